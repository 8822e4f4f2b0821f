package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.jdbi.internal.Migrator;
import dev.txchat.testkit.ChatStoreContract;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/**
 * The testkit's {@link ChatStoreContract} on tables that plain Flyway created from txchat's
 * migration folder in a schema that already held a host table (see
 * {@link FlywayManagedSchema}), plus what a host relying on Flyway needs to know: the host's
 * table is untouched, Flyway's second run is a no-op and validates, {@code migrate()} refuses
 * the Flyway-managed tables with a message naming the history table, and each setting of the
 * recipe is needed.
 */
abstract class FlywayManagedStoreContract extends ChatStoreContract {

    /** The schema the subclass created in its {@code @BeforeAll}. */
    protected abstract FlywayManagedSchema schema();

    @Override
    protected ChatStore createStore() {
        return schema().store();
    }

    @Test
    void flywayAppliedEveryTxchatMigrationBesideTheHostTable() {
        FlywayManagedSchema schema = schema();

        assertThat(schema.migrateResult.migrationsExecuted).isEqualTo(Migrator.SCRIPTS.size());
        schema.assertHistoryHoldsEveryTxchatMigration();
        assertThat(schema.hostRows()).hasSize(1);
        assertThat(((Number) schema.hostRows().get(0).get("id")).longValue()).isEqualTo(1L);
    }

    @Test
    void aSecondFlywayRunAppliesNothingAndValidates() {
        Flyway flyway = FlywayManagedSchema.flyway(schema().pool, schema().dialect);

        assertThat(flyway.migrate().migrationsExecuted).isZero();
        flyway.validate();
    }

    @Test
    void migrateRefusesFlywayManagedTablesAndNamesTheHistoryTable() {
        JdbiChatStore store = schema().store();

        assertThatThrownBy(store::migrate)
                .isInstanceOf(ChatStoreException.class)
                .hasMessageContaining("tables managed by Flyway (history table " + FlywayManagedSchema.HISTORY_TABLE
                        + " found")
                .hasMessageContaining("Do not call migrate()");
        // and left everything as it was
        schema().assertHistoryHoldsEveryTxchatMigration();
        long heads = store.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM "
                + FlywayManagedSchema.PREFIX + "feed_head").mapTo(Long.class).one());
        assertThat(heads).isEqualTo(1L);
    }

    @Test
    void withoutBaselineOnMigrateFlywayRefusesTheNonEmptySchema() {
        try (FlywayManagedSchema other = FlywayManagedSchema.createEmptyButForTheHostTable(schema().dialect)) {
            Flyway flyway = Flyway.configure().dataSource(other.pool)
                    .locations("classpath:" + other.dialect.migrationsLocation())
                    .placeholders(Map.of("prefix", FlywayManagedSchema.PREFIX))
                    .table(FlywayManagedSchema.HISTORY_TABLE)
                    .load();

            assertThatThrownBy(flyway::migrate).isInstanceOf(FlywayException.class)
                    .hasMessageContaining("non-empty schema");
        }
    }

    @Test
    void withTheDefaultBaselineVersionFlywaySkipsV001() {
        try (FlywayManagedSchema other = FlywayManagedSchema.createEmptyButForTheHostTable(schema().dialect)) {
            Flyway flyway = Flyway.configure().dataSource(other.pool)
                    .locations("classpath:" + other.dialect.migrationsLocation())
                    .placeholders(Map.of("prefix", FlywayManagedSchema.PREFIX))
                    .table(FlywayManagedSchema.HISTORY_TABLE)
                    .baselineOnMigrate(true)
                    .load();

            // baseline 1 marks V001 as applied without running it; V002 then finds no tables
            assertThatThrownBy(flyway::migrate).isInstanceOf(FlywayException.class);
            List<Map<String, Object>> history = other.history();
            assertThat(history).extracting(row -> String.valueOf(row.get("version"))).first().isEqualTo("1");
            assertThat(history).extracting(row -> String.valueOf(row.get("script")))
                    .doesNotContain("V001__create_chat_tables.sql");
        }
    }
}
