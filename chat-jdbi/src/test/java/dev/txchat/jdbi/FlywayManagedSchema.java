package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;

/**
 * A host's schema that already holds its own table, into which txchat's migrations are
 * applied by plain Flyway (not by {@link JdbiChatStore#migrate()}), with a history table of
 * their own. A fresh PostgreSQL schema or MariaDB database per instance, dropped by
 * {@link #drop()}.
 *
 * <p>{@link #flyway(DataSource, Dialect)} is the recipe the README shows. On a non-empty
 * schema without the history table Flyway refuses to migrate unless
 * {@code baselineOnMigrate(true)}; its default baseline version 1 would then mark
 * {@code V001} as applied without running it, so the baseline must be version 0.
 *
 * <p>Not thread-safe; one per test class.
 */
final class FlywayManagedSchema implements AutoCloseable {
    /** The table prefix Flyway's placeholder sets, as a host would: the default. */
    static final String PREFIX = JdbiChatStore.DEFAULT_TABLE_PREFIX;
    static final String HISTORY_TABLE = "chat_flyway_history";
    static final String HOST_TABLE = "host_orders";

    final Dialect dialect;
    final String schema;
    final HikariDataSource pool;
    final MigrateResult migrateResult;

    private FlywayManagedSchema(Dialect dialect, String schema, HikariDataSource pool, MigrateResult result) {
        this.dialect = dialect;
        this.schema = schema;
        this.pool = pool;
        this.migrateResult = result;
    }

    /**
     * The recipe: txchat's migrations for {@code dialect}, applied by Flyway with its own
     * history table, into a schema that may already hold the host's tables.
     */
    static Flyway flyway(DataSource dataSource, Dialect dialect) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + dialect.migrationsLocation())   // e.g. dev/txchat/jdbi/migrations/postgresql
                .placeholders(Map.of("prefix", PREFIX))
                .table(HISTORY_TABLE)          // txchat's history, apart from the host's flyway_schema_history
                .baselineOnMigrate(true)       // the schema is not empty: it holds the host's tables
                .baselineVersion("0")          // …and the baseline must lie below V001, or V001 is skipped
                .load();
    }

    /**
     * Creates a fresh schema (PostgreSQL) or database (MariaDB) holding one host table with a
     * row, then applies txchat's migrations with {@link #flyway}. Skips or fails the calling
     * test (as {@link TestDatabases} does) when the server is unreachable.
     */
    static FlywayManagedSchema create(Dialect dialect) {
        return create(dialect, true);
    }

    /** A fresh schema holding only the host table; nothing of txchat's is applied. */
    static FlywayManagedSchema createEmptyButForTheHostTable(Dialect dialect) {
        return create(dialect, false);
    }

    private static FlywayManagedSchema create(Dialect dialect, boolean applyTxchat) {
        TestDatabases.requireAvailable(dialect);
        Jdbi admin = TestDatabases.store(dialect).jdbi();
        String schema = "txfly_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        admin.useHandle(h -> h.execute(dialect == Dialect.POSTGRESQL ? "CREATE SCHEMA " + schema
                : "CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
        HikariDataSource pool = null;
        try {
            pool = pool(dialect, schema);
            Jdbi.create(pool).useHandle(h -> {
                h.execute("CREATE TABLE " + HOST_TABLE + " (id BIGINT NOT NULL PRIMARY KEY,"
                        + " amount DECIMAL(12, 2) NOT NULL)");
                h.execute("INSERT INTO " + HOST_TABLE + " (id, amount) VALUES (1, 10.50)");
            });
            MigrateResult result = applyTxchat ? flyway(pool, dialect).migrate() : null;
            return new FlywayManagedSchema(dialect, schema, pool, result);
        } catch (RuntimeException | Error e) {
            if (pool != null) {
                pool.close();
            }
            dropSchema(dialect, schema);
            throw e;
        }
    }

    /** A pool whose connections work in {@code schema} (PostgreSQL's current schema, MariaDB's database). */
    private static HikariDataSource pool(Dialect dialect, String schema) {
        String url = TestDatabases.url(dialect);
        if (dialect == Dialect.POSTGRESQL) {
            url += (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        } else {
            url = url.replaceFirst("^(jdbc:(?:mariadb|mysql)://[^/?]+)(/[^?]*)?", "$1/" + schema);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("flyway-" + schema);
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(TestDatabases.POOL_SIZE);
        config.setMinimumIdle(0);
        return new HikariDataSource(config);
    }

    /** A store on the Flyway-made tables; {@code migrate()} is never called on it. */
    JdbiChatStore store() {
        return JdbiChatStore.create(pool);
    }

    /** The versions and outcome Flyway recorded in txchat's history table, in order. */
    List<Map<String, Object>> history() {
        return Jdbi.create(pool).withHandle(h -> h.createQuery("SELECT version, type, script, success FROM "
                + HISTORY_TABLE + " ORDER BY installed_rank").mapToMap().list());
    }

    /** The host table's rows, which txchat's migrations must leave alone. */
    List<Map<String, Object>> hostRows() {
        return Jdbi.create(pool).withHandle(h -> h.createQuery("SELECT id, amount FROM " + HOST_TABLE)
                .mapToMap().list());
    }

    void drop() {
        pool.close();
        dropSchema(dialect, schema);
    }

    @Override
    public void close() {
        drop();
    }

    private static void dropSchema(Dialect dialect, String schema) {
        TestDatabases.store(dialect).jdbi().useHandle(h -> h.execute(dialect == Dialect.POSTGRESQL
                ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE" : "DROP DATABASE IF EXISTS " + schema));
    }

    /** Asserts the history Flyway leaves: the baseline, then every txchat migration, all successful. */
    void assertHistoryHoldsEveryTxchatMigration() {
        List<Map<String, Object>> history = history();
        assertThat(history).extracting(row -> String.valueOf(row.get("script")))
                .as("Flyway history in %s", HISTORY_TABLE)
                .containsExactly("<< Flyway Baseline >>", "V001__create_chat_tables.sql",
                        "V002__organization_in_chat_key_and_secrets.sql", "V003__change_feed.sql",
                        "V004__conversation_counts.sql");
        assertThat(history).extracting(row -> String.valueOf(row.get("version")))
                .containsExactly("0", "001", "002", "003", "004");
        assertThat(history).allSatisfy(row -> assertThat(truthy(row.get("success"))).isTrue());
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value instanceof Number n && n.intValue() != 0;
    }
}
