package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions opened and closed in quick succession (one per SSE session, say) on
 * PostgreSQL never leave more than one LISTEN thread and connection behind: an outside
 * tester exhausted a pool of 10 with 12 subscribe/close cycles before this was fixed.
 */
class PostgresFeedListenerTest {

    @Test
    void subscribeCloseCyclesLeaveOneListeningConnection() {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        String prefix = "lsn" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        try (HikariDataSource pool = TestDatabases.pool(Dialect.POSTGRESQL, null, 4)) {
            Jdbi jdbi = Jdbi.create(pool);
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix(prefix);
            store.migrate();
            try (ChatService chat = ChatService.builder().store(store).build()) {
                for (int i = 0; i < 12; i++) {
                    chat.feed().subscribe("cycle" + i, entry -> { }).close();
                }
                chat.feed().subscribe("kept", entry -> { });

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (listeners() > 1 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                assertThat(listeners()).as("listening threads").isLessThanOrEqualTo(1);
                Actor staff = Actor.service("lsn", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR);
                assertThat(chat.startConversation(staff, new StartConversation(
                        ParticipantRef.businessUser("u", "o"), null, null)).id()).isNotNull();
            } finally {
                TestDatabases.dropTables(jdbi, prefix);
            }
        }
    }

    private static long listeners() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("txchat-feed-listen-")).count();
    }
}
