package dev.txchat.spring;

import dev.txchat.core.ChatService;
import dev.txchat.core.ChatServiceBuilder;
import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.core.spi.ChatEventListener;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ContentPolicy;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.jdbi.JdbiChatStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures txchat on the host's {@link DataSource}:
 * <ul>
 *   <li>a {@link JdbiChatStore} bean ({@code txchatStore}) on the single {@code DataSource}
 *       candidate, with tables named by {@code txchat.table-prefix}, migrated at startup
 *       unless {@code txchat.migrate=false}. It backs off when the host defines any
 *       {@link ChatStore} bean (a {@code JdbiChatStore} of its own, an in-memory store…); such a
 *       store is used as it is, and is not migrated by the starter;</li>
 *   <li>a {@link ChatService} bean ({@code txchatService}, closed with the context) on the
 *       {@link ChatStore} bean, built with the host's {@link TransactionDirectory},
 *       {@link AccessPolicy}, {@link ContentPolicy} and {@link Clock} beans when there are any,
 *       every {@link ChatEventListener} bean (in {@code @Order}), and
 *       {@code txchat.listener-timeout}, {@code txchat.feed.retention},
 *       {@code txchat.feed.poll-interval}. It backs off when the host defines a
 *       {@code ChatService} bean.</li>
 * </ul>
 * Without a {@code TransactionDirectory} bean the service knows no transaction (transaction
 * chats fail with {@code NotFoundException}); account threads and direct chats work.
 *
 * <p>Runs after Spring Boot's DataSource, Flyway and Liquibase auto-configuration; with
 * {@code spring-boot-sql} on the classpath every {@code JdbiChatStore} bean also waits for the
 * host's database initialization (Flyway, Liquibase, SQL scripts), so host migrations that
 * create txchat's tables run first.
 *
 * <p>Metrics and health are configured by {@link TxchatMetricsAutoConfiguration} and
 * {@link TxchatHealthAutoConfiguration}.
 *
 * <p>Thread-safety: Spring uses this class once, while the context starts; the beans it
 * creates are thread-safe.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@EnableConfigurationProperties(TxchatProperties.class)
@Import({TxchatAutoConfiguration.StoreConfiguration.class, TxchatAutoConfiguration.ServiceConfiguration.class})
public class TxchatAutoConfiguration {

    /** Name of the auto-configured {@link ChatService} bean (the undecorated one). */
    public static final String SERVICE_BEAN = "txchatService";
    /** Name of the auto-configured {@link JdbiChatStore} bean. */
    public static final String STORE_BEAN = "txchatStore";

    private static final Logger LOG = LoggerFactory.getLogger(TxchatAutoConfiguration.class);

    /** The store on the host's DataSource, unless the host has a store of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(DataSource.class)
    @ConditionalOnMissingBean(ChatStore.class)
    static class StoreConfiguration {

        @Bean(STORE_BEAN)
        JdbiChatStore txchatStore(DataSource dataSource, TxchatProperties properties) {
            JdbiChatStore store = JdbiChatStore.create(dataSource).withTablePrefix(properties.tablePrefix());
            if (properties.migrate()) {
                store.migrate();
            } else {
                LOG.debug("txchat: txchat.migrate=false, not migrating the tables with prefix {}",
                        properties.tablePrefix());
            }
            return store;
        }
    }

    /**
     * The service on whatever store there is: the host's (a bean registered before any
     * auto-configuration) or the one above, which exists exactly when there is a single
     * DataSource and no host store. Conditioning on the DataSource, which an earlier
     * auto-configuration registers, does not depend on the order in which this class's own
     * bean definitions are registered.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(StoreOrDataSource.class)
    static class ServiceConfiguration {

        @Bean(name = SERVICE_BEAN, destroyMethod = "close")
        @ConditionalOnMissingBean(ChatService.class)
        ChatService txchatService(ChatStore store, TxchatProperties properties,
                ObjectProvider<TransactionDirectory> transactionDirectory, ObjectProvider<AccessPolicy> accessPolicy,
                ObjectProvider<ContentPolicy> contentPolicy, ObjectProvider<Clock> clock,
                ObjectProvider<ChatEventListener> listeners) {
            ChatServiceBuilder builder = ChatService.builder()
                    .store(store)
                    .listenerTimeout(properties.listenerTimeout())
                    .feedRetention(properties.feed().retention())
                    .feedPollInterval(properties.feed().pollInterval());
            transactionDirectory.ifAvailable(builder::transactionDirectory);
            accessPolicy.ifAvailable(builder::accessPolicy);
            contentPolicy.ifAvailable(builder::contentPolicy);
            clock.ifAvailable(builder::clock);
            listeners.orderedStream().forEach(builder::listener);
            return builder.build();
        }
    }

    /** A {@link ChatStore} bean, or a DataSource to create one on. */
    static final class StoreOrDataSource extends AnyNestedCondition {
        StoreOrDataSource() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(ChatStore.class)
        static final class HostStore {
        }

        @ConditionalOnSingleCandidate(DataSource.class)
        static final class DataSourceForTheStore {
        }
    }
}
