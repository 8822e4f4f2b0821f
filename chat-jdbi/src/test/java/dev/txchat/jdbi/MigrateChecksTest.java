package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.jdbi.internal.Migrator;
import dev.txchat.jdbi.internal.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link JdbiChatStore#migrate()} checks before it changes anything: txchat tables it
 * did not create (a Flyway-managed schema) and applied migrations whose script changed. Both
 * fail with a message that says what was found and what to do, and leave the tables as they
 * were. Also the INFO line per applied migration.
 */
class MigrateChecksTest {

    private static String freshPrefix(String kind) {
        return kind + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    }

    private static List<Map<String, Object>> history(Jdbi jdbi, String prefix) {
        return jdbi.withHandle(h -> h.createQuery("SELECT version, script, checksum FROM " + prefix
                + "schema_version ORDER BY version").mapToMap().list());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void tablesWithoutTxchatHistoryAreNotMigratedAndTheMessageSaysWhy(Dialect dialect) {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = freshPrefix("nohist");
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        try {
            store.migrate();
            jdbi.useHandle(h -> h.execute("DROP TABLE " + prefix + "schema_version"));

            assertThatThrownBy(store::migrate)
                    .isInstanceOf(ChatStoreException.class)
                    .hasMessageContaining("txchat: cannot migrate the tables with prefix " + prefix)
                    .hasMessageContaining(prefix + "conversations")
                    .hasMessageContaining("no txchat history (" + prefix + "schema_version is missing)")
                    .hasMessageContaining("Do not call migrate() (Spring Boot: txchat.migrate=false)")
                    .hasMessageContaining("classpath:" + dialect.migrationsLocation())
                    .hasMessageNotContaining("already exists in")
                    .hasMessageContaining("No migration was applied");
            // nothing was created: still no txchat history
            assertThatThrownBy(() -> history(jdbi, prefix)).isNotNull();
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void tablesBesideAFlywayHistoryNameIt(Dialect dialect) {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = freshPrefix("flyw");
        String flywayTable = prefix + "flyway_history";
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        try {
            store.migrate();
            jdbi.useHandle(h -> {
                h.execute("DROP TABLE " + prefix + "schema_version");
                // the shape of Flyway's schema history table
                h.execute("CREATE TABLE " + flywayTable + " (installed_rank INT NOT NULL, version VARCHAR(50),"
                        + " description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL,"
                        + " script VARCHAR(1000) NOT NULL,"
                        + " checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP,"
                        + " execution_time INT NOT NULL, success BOOLEAN NOT NULL, PRIMARY KEY (installed_rank))");
            });

            assertThatThrownBy(store::migrate)
                    .isInstanceOf(ChatStoreException.class)
                    .hasMessageContaining("tables managed by Flyway (history table ")
                    .satisfies(e -> assertThat(e.getMessage().toLowerCase()).contains(flywayTable + " found"))
                    .hasMessageContaining("Do not call migrate()");
        } finally {
            jdbi.useHandle(h -> h.execute("DROP TABLE IF EXISTS " + flywayTable));
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anAppliedMigrationWhoseChecksumDiffersFailsBeforeAnythingIsApplied(Dialect dialect) {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = freshPrefix("sum");
        TestDatabases.dropTables(jdbi, prefix);
        try {
            new Migrator(jdbi, new Sql(dialect, prefix)).migrateTo(1);
            jdbi.useHandle(h -> h.execute("UPDATE " + prefix
                    + "schema_version SET checksum = 12345 WHERE version = 1"));
            long shipped = Migrator.migrations(dialect, prefix).get(0).checksum();
            JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);

            assertThatThrownBy(store::migrate)
                    .isInstanceOf(ChatStoreException.class)
                    .hasMessageContaining("V001 (V001__create_chat_tables.sql): recorded checksum 12345,"
                            + " shipped script " + shipped)
                    .hasMessageContaining("do not match the scripts in this txchat jar")
                    .hasMessageContaining("No migration was applied");
            // V002 and V003 were not applied past the mismatch
            assertThat(history(jdbi, prefix)).hasSize(1);

            // once the checksum is repaired, migrate() goes on
            jdbi.useHandle(h -> h.execute("UPDATE " + prefix + "schema_version SET checksum = " + shipped
                    + " WHERE version = 1"));
            store.migrate();
            assertThat(history(jdbi, prefix)).hasSize(Migrator.SCRIPTS.size());
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theRecordedChecksumsAreThoseOfTheShippedScripts(Dialect dialect) {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = freshPrefix("sums");
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        try {
            store.migrate();

            assertThat(history(jdbi, prefix)).extracting(row -> ((Number) row.get("checksum")).longValue())
                    .containsExactlyElementsOf(Migrator.migrations(dialect, prefix).stream()
                            .map(Migrator.Migration::checksum).toList());
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @Test
    void aMigrationAppliedByANewerTxchatIsToleratedWithAWarning() {
        Jdbi jdbi = TestDatabases.store(Dialect.H2).jdbi();
        String prefix = freshPrefix("newer");
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            store.migrate();
            jdbi.useHandle(h -> h.execute("INSERT INTO " + prefix + "schema_version (version, description, script,"
                    + " checksum, installed_at) VALUES (99, 'from the future', 'V099__from_the_future.sql', 1, 0)"));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            // a node still running the older version restarts during a rolling upgrade
            store.migrate();
        } finally {
            System.setErr(err);
            TestDatabases.dropTables(jdbi, prefix);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("WARN").contains("have migration V099 applied, which this txchat jar does not ship");
    }

    @Test
    void eachAppliedMigrationIsLoggedAtInfo() {
        Jdbi jdbi = TestDatabases.store(Dialect.H2).jdbi();
        String prefix = freshPrefix("log");
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            // slf4j-simple (the test binding) writes to the current System.err
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            store.migrate();
            store.migrate();
        } finally {
            System.setErr(err);
            TestDatabases.dropTables(jdbi, prefix);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        err.print(log);

        assertThat(log).containsPattern("INFO .*txchat: applied V001 create chat tables to prefix " + prefix
                + " in \\d+ ms");
        assertThat(log).containsPattern("txchat: applied V002 organization in chat key and secrets to prefix "
                + prefix + " in \\d+ ms");
        assertThat(log).containsPattern("txchat: applied V003 change feed to prefix " + prefix + " in \\d+ ms");
        assertThat(log.split("txchat: applied ", -1)).hasSize(Migrator.SCRIPTS.size() + 1);
    }
}
