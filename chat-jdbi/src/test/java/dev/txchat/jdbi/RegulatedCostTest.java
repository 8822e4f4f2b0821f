package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What regulated mode costs the hot path, counted as {@link FeedCostTest} counts: outside it
 * {@code postMessage} runs exactly the statements it ran before regulated mode existed (the
 * budget below is FeedCostTest's); in it, one statement more, the audit insert, which also
 * moves the chain's head (the head and the legal hold come with the row lock, read by the
 * locking statement the call ran anyway). MariaDB, which has no statement writing two tables,
 * moves the head with a second statement.
 */
class RegulatedCostTest {

    /** FeedCostTest's postMessage budget, participants cached. */
    private static final Map<Dialect, Integer> STANDARD_POST = Map.of(Dialect.POSTGRESQL, 2, Dialect.H2, 2,
            Dialect.MARIADB, 5);

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void regulatedModeCostsPostMessageOneStatementAndNothingWhenOff(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        List<String> statements = new CopyOnWriteArrayList<>();
        com.zaxxer.hikari.HikariDataSource pool = TestDatabases.pool(dialect, null, 4);
        DataSource counting = FeedCostTest.recording(pool, sql -> {
            // the feed's after-commit wake-up is sent by a background sender, not by the call
            if (!sql.contains("pg_notify(")) {
                statements.add(sql);
            }
        });
        JdbiChatStore store = JdbiChatStore.create(counting).withTablePrefix(shared.tablePrefix());
        Actor staff = Actor.service("cost-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
        Actor user = Actor.business("cost-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
        ParticipantRef ref = ParticipantRef.businessUser(user.userId(), user.organizationId());
        FakeTransactionDirectory directory = new FakeTransactionDirectory();
        try (pool;
             ChatService standard = ChatService.builder().store(store).transactionDirectory(directory).build();
             ChatService regulated = ChatService.builder().store(store).transactionDirectory(directory)
                     .compliance(CompliancePolicy.regulated(Duration.ofDays(365))).build()) {
            ConversationId plain = standard.startConversation(staff, new StartConversation(ref, "s",
                    NewMessage.of("first"))).id();
            ConversationId audited = regulated.startConversation(staff, new StartConversation(ref, "s",
                    NewMessage.of("first"))).id();
            // participants cached, as on a node that served the chat before
            standard.postMessage(user, plain, NewMessage.of("warm"));
            regulated.postMessage(user, audited, NewMessage.of("warm"));

            statements.clear();
            standard.postMessage(user, plain, NewMessage.of("counted"));
            List<String> off = List.copyOf(statements);
            statements.clear();
            regulated.postMessage(user, audited, NewMessage.of("counted"));
            List<String> on = List.copyOf(statements);

            System.out.printf("regulated cost %s postMessage: %d statements off, %d on%n", dialect, off.size(),
                    on.size());
            assertThat(off).as("postMessage outside regulated mode on %s", dialect)
                    .hasSizeLessThanOrEqualTo(STANDARD_POST.get(dialect))
                    .noneMatch(s -> s.contains(shared.tablePrefix() + "audit"));
            // MariaDB moves the chain's head with a statement of its own (no statement writes two tables)
            int extra = dialect == Dialect.MARIADB ? 2 : 1;
            assertThat(on).as("postMessage in regulated mode on %s", dialect).hasSize(off.size() + extra);
            assertThat(on).filteredOn(s -> s.contains("INSERT INTO " + shared.tablePrefix() + "audit ("))
                    .hasSize(1);
        }
    }
}
