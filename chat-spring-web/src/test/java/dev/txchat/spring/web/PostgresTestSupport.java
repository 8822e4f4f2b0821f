package dev.txchat.spring.web;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The PostgreSQL test database of this module's HTTP tests: {@code TXCHAT_POSTGRES_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}, trust auth),
 * with txchat's tables under a fresh random prefix per test class so they never collide with
 * other tests' tables. When the server is unreachable the tests are skipped, or fail when
 * {@code CI=true} or {@code -Dtxchat.requireDatabases=true}.
 */
public final class PostgresTestSupport {

    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";
    private static final List<String> TABLES = List.of("messages", "participants", "conversations", "tickets",
            "secrets", "feed", "feed_head", "feed_subscriptions", "conversation_counts", "schema_version", "schema_lock");

    private PostgresTestSupport() {
    }

    /** Skips (or, on CI, fails) the whole test class when PostgreSQL is unreachable. */
    public static final class Require implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            requireAvailable();
        }
    }

    public static String url() {
        String value = System.getenv("TXCHAT_POSTGRES_URL");
        return value == null || value.isBlank() ? DEFAULT_URL : value;
    }

    /** A new table prefix, unique to the caller: {@code webpg_<random>_}. */
    public static String freshPrefix() {
        return "webpg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
    }

    /** The Spring properties pointing the application at PostgreSQL with tables named {@code prefix…}. */
    public static Map<String, String> properties(String prefix) {
        return Map.of("spring.datasource.url", url(),
                "spring.datasource.username", USER,
                "spring.datasource.driver-class-name", "org.postgresql.Driver",
                "txchat.table-prefix", prefix);
    }

    public static void register(DynamicPropertyRegistry registry, String prefix) {
        properties(prefix).forEach((name, value) -> registry.add(name, () -> value));
    }

    /** Ensures the server is reachable; otherwise skips or fails the current test (class). */
    public static void requireAvailable() {
        String problem = probe();
        if (problem == null) {
            return;
        }
        String message = "PostgreSQL is not reachable at " + url() + " as user " + USER + " (" + problem
                + "). Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
                + " (or: docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15),"
                + " or set TXCHAT_POSTGRES_URL to the JDBC URL of a server with a scratch database.";
        if (required()) {
            Assertions.fail(message + " The PostgreSQL tests are required because CI=true or"
                    + " -Dtxchat.requireDatabases=true is set.");
        }
        // a class-level skip is not counted by Surefire, so the reason is printed too
        System.err.println("skipped: " + message + " Set CI=true to make this a failure instead.");
        Assumptions.abort("skipped: " + message + " Set CI=true or -Dtxchat.requireDatabases=true to make this"
                + " a failure instead.");
    }

    /** Drops the tables (and the notify function) named {@code prefix…}; does nothing when the server is down. */
    public static void dropTables(String prefix) {
        if (probe() != null) {
            return;
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.execute("DROP TABLE IF EXISTS " + prefix + table + " CASCADE");
            }
            statement.execute("DROP FUNCTION IF EXISTS " + prefix + "feed_notify() CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("dropping the tables " + prefix + "*", e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, "");
    }

    private static String probe() {
        DriverManager.setLoginTimeout(5);
        try (Connection connection = connect()) {
            return connection.isValid(5) ? null : "the connection is not valid";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"))
                || Boolean.parseBoolean(System.getProperty("txchat.requireDatabases"));
    }
}
