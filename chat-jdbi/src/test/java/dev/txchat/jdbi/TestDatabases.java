package dev.txchat.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The test databases, shared by every test class in the JVM: one pool and one migrated
 * store per database, created on first use. Tables are dropped and re-created once per run,
 * so a stale schema from an earlier build never leaks into the tests.
 *
 * <p>H2 runs in memory and is always available. PostgreSQL and MariaDB are reached at
 * {@code TXCHAT_POSTGRES_URL} / {@code TXCHAT_MARIADB_URL} (defaults: local servers). When
 * one is unreachable its tests are skipped, or fail when {@code CI=true} or
 * {@code -Dtxchat.requireDatabases=true}.
 */
final class TestDatabases {
    /** Prefix of the shared tables; distinct from the default so other modules' data never mixes in. */
    static final String PREFIX = "jdbitest_";
    static final int POOL_SIZE = 20;

    private static final String H2_URL = "jdbc:h2:mem:txchat_jdbi_test;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    private static final String POSTGRES_DEFAULT = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String MARIADB_DEFAULT = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    private static final Map<Dialect, Object> SHARED = new EnumMap<>(Dialect.class);

    private TestDatabases() {
    }

    /** The shared, migrated store of {@code dialect}; skips or fails the test if the server is down. */
    static synchronized JdbiChatStore store(Dialect dialect) {
        Object shared = SHARED.get(dialect);
        if (shared == null) {
            shared = open(dialect);
            SHARED.put(dialect, shared);
        }
        if (shared instanceof JdbiChatStore store) {
            return store;
        }
        unavailable(dialect, (String) shared);
        throw new AssertionError("unreachable");
    }

    private static Object open(Dialect dialect) {
        String problem = probe(dialect);
        if (problem != null) {
            return problem;
        }
        JdbiChatStore store = JdbiChatStore.create(pool(dialect, sessionSettings(dialect), POOL_SIZE))
                .withTablePrefix(PREFIX);
        dropTables(store.jdbi(), PREFIX);
        store.migrate();
        return store;
    }

    /**
     * The tables are created empty at the start of the run and, on a server with autovacuum
     * off (as on the development machine), never get statistics; PostgreSQL would then keep
     * the generic plans it made for empty tables for the suites that re-create their tables
     * per test (the authorization matrix runs 1,181 cases of lists and counts on such tables,
     * and ran for over ten minutes under generic plans). Planning each execution with the
     * tables' current size avoids that; production servers, with autovacuum on, re-plan after
     * their automatic ANALYZE instead. The hot statements are held to plans that stay flat
     * under generic plans by {@code PostgresWritePathPlanTest}, {@code PostgresFeedPlanTest}
     * and {@code PostgresInboxPlanTest}, and the soak runs with the default plan cache.
     */
    private static String sessionSettings(Dialect dialect) {
        return dialect == Dialect.POSTGRESQL ? "SET plan_cache_mode = force_custom_plan" : null;
    }

    static String url(Dialect dialect) {
        return switch (dialect) {
            case H2 -> H2_URL;
            case POSTGRESQL -> env("TXCHAT_POSTGRES_URL", POSTGRES_DEFAULT);
            case MARIADB -> env("TXCHAT_MARIADB_URL", MARIADB_DEFAULT);
        };
    }

    /** A new pool on {@code dialect}'s test database; {@code initSql} runs on each new connection. */
    static HikariDataSource pool(Dialect dialect, String initSql, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("jdbi-test-" + dialect.name().toLowerCase() + (initSql == null ? "" : "-init"));
        config.setJdbcUrl(url(dialect));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(30_000);
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        return new HikariDataSource(config);
    }

    /**
     * A store over freshly created tables named {@code prefix…} on the shared pool of
     * {@code dialect}, for a test that needs empty tables; the tables are dropped first.
     */
    static JdbiChatStore freshStore(Dialect dialect, String prefix) {
        Jdbi jdbi = store(dialect).jdbi();
        dropTables(jdbi, prefix);
        JdbiChatStore fresh = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        fresh.migrate();
        return fresh;
    }

    /** Ensures {@code dialect}'s server is reachable; otherwise skips or fails the current test. */
    static void requireAvailable(Dialect dialect) {
        store(dialect);
    }

    static void dropTables(Jdbi jdbi, String prefix) {
        jdbi.useHandle(h -> {
            for (String table : List.of("audit", "message_versions", "processing_restrictions", "messages", "participants", "conversations", "tickets", "secrets",
                    "feed", "feed_head", "feed_subscriptions", "conversation_counts", "schema_version", "schema_lock")) {
                h.execute("DROP TABLE IF EXISTS " + prefix + table);
            }
            if (JdbiChatStore.create(jdbi).dialect() == Dialect.POSTGRESQL) {
                h.execute("DROP FUNCTION IF EXISTS " + prefix + "feed_notify() CASCADE");
            }
        });
    }

    private static String probe(Dialect dialect) {
        if (dialect == Dialect.H2) {
            return null;
        }
        DriverManager.setLoginTimeout(5);
        try (Connection connection = DriverManager.getConnection(url(dialect))) {
            return connection.isValid(5) ? null : "the connection is not valid";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static void unavailable(Dialect dialect, String problem) {
        String server = dialect == Dialect.POSTGRESQL ? "PostgreSQL" : "MariaDB";
        String variable = dialect == Dialect.POSTGRESQL ? "TXCHAT_POSTGRES_URL" : "TXCHAT_MARIADB_URL";
        String start = dialect == Dialect.POSTGRESQL
                ? "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
                + " (or: docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15)"
                : "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
                + " (or: docker run -p 3306:3306 -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 -e MARIADB_DATABASE=test"
                + " mariadb:10.11)";
        String message = server + " is not reachable at " + url(dialect) + " (" + problem + "). Start it with: "
                + start + ", or set " + variable + " to the JDBC URL of a server with a scratch database.";
        if (required()) {
            Assertions.fail(message + " The database tests are required because CI=true or"
                    + " -Dtxchat.requireDatabases=true is set.");
        }
        Assumptions.abort("skipped: " + message + " Set CI=true or -Dtxchat.requireDatabases=true to make this"
                + " a failure instead.");
    }

    private static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"))
                || Boolean.parseBoolean(System.getProperty("txchat.requireDatabases"));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
