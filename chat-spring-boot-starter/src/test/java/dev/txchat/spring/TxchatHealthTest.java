package dev.txchat.spring;

import static dev.txchat.spring.TxchatAutoConfigurationTest.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.ChatService;
import dev.txchat.jdbi.ChatStoreException;
import dev.txchat.testkit.InMemoryChatStore;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code txchat} health indicator of {@link TxchatHealthAutoConfiguration}. */
class TxchatHealthTest {

    @Test
    void upWhenTheStoreCanBeReadAndRegisteredAsTxchat() {
        runner().withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
                        HealthContributorRegistryAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(TxchatHealthIndicator.class);
                    HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
                    assertThat(registry.getContributor("txchat"))
                            .isSameAs(context.getBean(TxchatHealthIndicator.class));

                    Health health = ((HealthIndicator) registry.getContributor("txchat")).health();

                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("tablePrefix", "chat_")
                            .containsEntry("dialect", "H2");
                });
    }

    @Test
    void downWithTheExceptionWhenTheTablesAreMissing() {
        runner().withPropertyValues("txchat.migrate=false").run(context -> {
            Health health = context.getBean(TxchatHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsKey("error");
            assertThat(String.valueOf(health.getDetails().get("error")))
                    .startsWith(ChatStoreException.class.getName()).containsIgnoringCase("chat_conversations");
        });
    }

    @Test
    void downWhenTheDatabaseGoesAwayAndUpAgainWhenItIsBack() {
        runner().run(context -> {
            TxchatHealthIndicator indicator = context.getBean(TxchatHealthIndicator.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

            jdbc.execute("ALTER TABLE chat_conversations RENAME TO chat_conversations_away");
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);

            jdbc.execute("ALTER TABLE chat_conversations_away RENAME TO chat_conversations");
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void aHostStoreIsCheckedToo() {
        runner().withBean(InMemoryChatStore.class, InMemoryChatStore::new).run(context -> {
            Health health = context.getBean(TxchatHealthIndicator.class).health();

            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).isEmpty();
        });
    }

    @Test
    void withOnlyAHostServiceTheFeedIsRead() {
        ChatService host = ChatService.builder().store(new InMemoryChatStore()).build();
        TxchatHealthIndicator indicator = new TxchatHealthIndicator(null, host);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

        host.close();

        dev.txchat.core.spi.ChatStore down = new dev.txchat.core.spi.ChatStore() {
            @Override
            public <T> T inTransaction(java.util.function.Function<dev.txchat.core.spi.ChatStoreTransaction, T> work) {
                throw new IllegalStateException("the database is down");
            }
        };
        ChatService failing = ChatService.builder().store(down).build();
        Health health = new TxchatHealthIndicator(null, failing).health();
        failing.close();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(String.valueOf(health.getDetails().get("error"))).contains("the database is down");
    }

    @Test
    void switchedOffByProperty() {
        runner().withPropertyValues("management.health.txchat.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(TxchatHealthIndicator.class));
    }

    @Test
    void absentWithoutSpringBootsHealthModule() {
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(TxchatHealthIndicator.class);
            assertThat(context).hasSingleBean(ChatService.class);
        });
    }

    @Test
    void absentWithoutTxchatBeans() {
        new org.springframework.boot.test.context.runner.ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TxchatAutoConfiguration.class,
                        TxchatHealthAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(TxchatHealthIndicator.class));
    }
}
