package dev.txchat.spring;

import static dev.txchat.spring.TxchatAutoConfigurationTest.postOnce;
import static dev.txchat.spring.TxchatAutoConfigurationTest.rows;
import static dev.txchat.spring.TxchatAutoConfigurationTest.runner;
import static dev.txchat.spring.TxchatAutoConfigurationTest.tables;
import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.ChatService;
import dev.txchat.jdbi.JdbiChatStore;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The starter next to Spring Boot's own Flyway auto-configuration (the Flyway version Spring
 * Boot manages), on H2:
 * <ol>
 *   <li>the host's Flyway migrates the host's tables, txchat's {@code migrate()} its own:
 *       two histories side by side;</li>
 *   <li>the host's Flyway applies txchat's migration folder into a schema that already holds a
 *       host table, with {@code txchat.migrate=false} — the {@code spring.flyway.*} recipe;</li>
 *   <li>the same with {@code txchat.migrate} left on: startup fails with a message naming
 *       Flyway's history table, which also shows that Flyway ran before the store.</li>
 * </ol>
 */
class BootFlywayCoexistenceTest {

    private static ApplicationContextRunner withBootFlyway() {
        return runner().withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class));
    }

    /** An H2 database that already holds a host table when the context starts. */
    private static String databaseWithAHostTable() {
        return "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000"
                + ";INIT=CREATE TABLE IF NOT EXISTS host_orders (id BIGINT NOT NULL PRIMARY KEY)";
    }

    /**
     * The scripts a Flyway history records, without Flyway's marker rows (type SCHEMA, and
     * TABLE for "history table created").
     */
    private static List<String> flywayScripts(DataSource dataSource, String table) {
        return new JdbcTemplate(dataSource).queryForList("SELECT \"script\" FROM \"" + table
                + "\" WHERE \"type\" NOT IN ('SCHEMA', 'TABLE') ORDER BY \"installed_rank\"", String.class);
    }

    @Test
    void hostTablesByBootsFlywayAndTxchatTablesByMigrate() {
        withBootFlyway().withPropertyValues("spring.flyway.locations=classpath:db/host").run(context -> {
            assertThat(context).hasNotFailed();
            DataSource dataSource = context.getBean(DataSource.class);
            assertThat(flywayScripts(dataSource, "flyway_schema_history")).containsExactly("V1__host_orders.sql");
            assertThat(rows(context, "host_orders")).isEqualTo(1);
            assertThat(rows(context, "chat_schema_version")).isEqualTo(dev.txchat.jdbi.internal.Migrator.SCRIPTS.size());

            postOnce(context.getBean(ChatService.class), "both migrated");
            assertThat(rows(context, "chat_messages")).isEqualTo(1);
        });
    }

    @Test
    void bootsFlywayAppliesTxchatsMigrationsIntoANonEmptySchema() {
        withBootFlyway().withPropertyValues(databaseWithAHostTable(),
                        "spring.flyway.locations=classpath:dev/txchat/jdbi/migrations/h2",
                        "spring.flyway.placeholders.prefix=chat_",
                        "spring.flyway.table=chat_flyway_history",
                        "spring.flyway.baseline-on-migrate=true",
                        "spring.flyway.baseline-version=0",
                        "txchat.migrate=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(flywayScripts(context.getBean(DataSource.class), "chat_flyway_history"))
                            .containsExactly("<< Flyway Baseline >>", "V001__create_chat_tables.sql",
                                    "V002__organization_in_chat_key_and_secrets.sql", "V003__change_feed.sql",
                                    "V004__conversation_counts.sql", "V005__write_path_without_history.sql",
                                    "V007__regulated_mode.sql");
                    assertThat(tables(context, "chat_")).doesNotContain("chat_schema_version");

                    postOnce(context.getBean(ChatService.class), "Flyway-made tables");
                    assertThat(rows(context, "chat_messages")).isEqualTo(1);
                });
    }

    @Test
    void leavingMigrateOnOverFlywayManagedTablesFailsClearly() {
        withBootFlyway().withPropertyValues(databaseWithAHostTable(),
                        "spring.flyway.locations=classpath:dev/txchat/jdbi/migrations/h2",
                        "spring.flyway.placeholders.prefix=chat_",
                        "spring.flyway.table=chat_flyway_history",
                        "spring.flyway.baseline-on-migrate=true",
                        "spring.flyway.baseline-version=0")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("tables managed by Flyway (history table chat_flyway_history found")
                            .hasMessageContaining("txchat.migrate=false");
                });
    }

    @Test
    void aHostsOwnJdbiChatStoreBeanAlsoWaitsForFlyway() {
        // the host's bean is registered before any auto-configured one, and would be created first
        withBootFlyway().withUserConfiguration(HostStoreOnFlywayTables.class)
                .withPropertyValues(databaseWithAHostTable(),
                        "spring.flyway.locations=classpath:dev/txchat/jdbi/migrations/h2",
                        "spring.flyway.placeholders.prefix=chat_",
                        "spring.flyway.table=chat_flyway_history",
                        "spring.flyway.baseline-on-migrate=true",
                        "spring.flyway.baseline-version=0")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(HostStoreOnFlywayTables.class).conversationsAtCreation).isZero();
                    postOnce(context.getBean(ChatService.class), "after Flyway");
                    assertThat(rows(context, "chat_messages")).isEqualTo(1);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class HostStoreOnFlywayTables {
        long conversationsAtCreation = -1;

        @Bean
        JdbiChatStore hostStore(DataSource dataSource) {
            // fails unless Flyway has already created the table
            conversationsAtCreation = rowsOf(dataSource, "chat_conversations");
            return JdbiChatStore.create(dataSource);
        }

        private static long rowsOf(DataSource dataSource, String table) {
            Long n = new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
            return n == null ? 0 : n;
        }
    }
}
