package dev.txchat.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.Dialect;
import dev.txchat.jdbi.JdbiChatStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot application on PostgreSQL (127.0.0.1:5432, database {@code test}, user
 * {@code postgres}; {@code TXCHAT_POSTGRES_URL} overrides it): every auto-configuration on
 * the test classpath runs, the starter migrates fresh tables (a random prefix, dropped
 * afterwards), and a transaction chat is opened and written through the injected
 * {@code ChatService}. Skipped with a message when the server is unreachable, and a failure
 * instead when {@code CI=true} (or {@code -Dtxchat.requireDatabases=true}).
 */
@ExtendWith(PostgresSpringBootTest.RequiresPostgres.class) // before @SpringBootTest's SpringExtension
@SpringBootTest(classes = PostgresSpringBootTest.HostApplication.class)
@DirtiesContext
class PostgresSpringBootTest {

    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String PREFIX = "sbt" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    private static boolean reachable;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class HostApplication {
        @Bean
        TransactionDirectory ledger() {
            return transactionId -> transactionId.equals("tx-boot-1")
                    ? Optional.of(new TransactionInfo(transactionId, Set.of(new WalletOwner("bob", "acme-shop")),
                    Map.of("amount", "25.00 EUR")))
                    : Optional.empty();
        }
    }

    static String url() {
        String url = System.getenv("TXCHAT_POSTGRES_URL");
        return url == null || url.isBlank() ? DEFAULT_URL : url;
    }

    /**
     * Runs before the Spring extension creates the application context: disables the class with
     * the reason (a skip, printed by Surefire) when PostgreSQL is unreachable, or fails it when
     * the databases are required.
     */
    static final class RequiresPostgres implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            DriverManager.setLoginTimeout(5);
            String problem;
            try (Connection c = DriverManager.getConnection(url())) {
                if (c.isValid(5)) {
                    reachable = true;
                    return ConditionEvaluationResult.enabled("PostgreSQL is reachable at " + url());
                }
                problem = "the connection is not valid";
            } catch (SQLException e) {
                problem = e.getMessage();
            }
            String message = "PostgreSQL is not reachable at " + url() + " (" + problem + "). Start it with:"
                    + " pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or: docker run -p"
                    + " 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15), or set"
                    + " TXCHAT_POSTGRES_URL to the JDBC URL of a server with a scratch database.";
            if ("true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("txchat.requireDatabases")) {
                throw new AssertionFailedError(message + " The database tests are required because CI=true or"
                        + " -Dtxchat.requireDatabases=true is set.");
            }
            String reason = "skipped: " + message + " Set CI=true or -Dtxchat.requireDatabases=true to make this a"
                    + " failure instead.";
            // Surefire counts a disabled class as skipped but prints no reason; say it on the console
            System.err.println(PostgresSpringBootTest.class.getSimpleName() + " " + reason);
            return ConditionEvaluationResult.disabled(reason);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", PostgresSpringBootTest::url);
        registry.add("txchat.table-prefix", () -> PREFIX);
        // Spring Boot's Flyway is on the test classpath for other tests; this host has no migrations of its own
        registry.add("spring.flyway.enabled", () -> "false");
    }

    @AfterAll
    static void dropTables() throws SQLException {
        if (!reachable) {
            return;
        }
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            for (String table : List.of("messages", "participants", "conversations", "tickets", "secrets", "feed",
                    "feed_head", "feed_subscriptions", "conversation_counts", "schema_version")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + table + " CASCADE");
            }
            s.execute("DROP FUNCTION IF EXISTS " + PREFIX + "feed_notify() CASCADE");
        }
    }

    @Autowired
    ChatService chat;
    @Autowired
    JdbiChatStore store;
    @Autowired
    MeterRegistry meters;
    @Autowired
    TxchatHealthIndicator health;

    @Test
    void postsAMessageThroughTheAutoConfiguredService() {
        Actor staff = Actor.service("alice", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
        Actor seller = Actor.business("bob", "acme-shop");

        TransactionChat opened = chat.openTransactionChat(staff, new OpenTransactionChat("tx-boot-1",
                ParticipantRef.businessUser("bob", "acme-shop"), NewMessage.of("Can you share the receipt?")));
        chat.postMessage(seller, opened.conversation().id(), NewMessage.of("Attached."));

        assertThat(store.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(store.tablePrefix()).isEqualTo(PREFIX);
        assertThat(chat.listMessages(staff, opened.conversation().id(), PageRequest.last(10)).nodes())
                .extracting(ParticipantMessage::body).containsExactly("Can you share the receipt?", "Attached.");
        long stored = store.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + PREFIX + "messages")
                .mapTo(Long.class).one());
        assertThat(stored).isEqualTo(2);
        assertThat(chat).isInstanceOf(MeteredChatService.class);
        assertThat(meters.get("txchat.calls").tag("call", "postMessage").tag("outcome", "success").timer().count())
                .isEqualTo(1);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("dialect", "POSTGRESQL");
    }
}
