package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writers that append to one conversation's audit chain at the same moment each get the head
 * their predecessor left: the head comes with the row lock, read after any wait for it. A head
 * read from before the wait (a subquery in the locking statement answers from the statement's
 * snapshot on PostgreSQL) would hand two writers the same sequence, and one would fail on the
 * primary key. A pause between lock and append keeps the others waiting on the lock.
 */
class AuditHeadRaceTest {

    private static final int WRITERS = 6;
    private static final int ROUNDS = 4;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void concurrentWritersExtendTheChainWithoutGapOrCollision(Dialect dialect) throws Exception {
        JdbiChatStore store = TestDatabases.store(dialect);
        Actor staff = Actor.service("race-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR);
        ConversationId id;
        try (ChatService chat = ChatService.builder().store(store).transactionDirectory(new FakeTransactionDirectory())
                .build()) {
            id = chat.startConversation(staff, new StartConversation(ParticipantRef.businessUser(
                    "race-" + UUID.randomUUID(), null), "s", NewMessage.of("first"))).id();
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < ROUNDS; round++) {
                        store.inTransaction((ChatStoreTransaction tx) -> {
                            ComplianceState head = tx.lockConversationWithCompliance(id).orElseThrow().compliance();
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                            tx.appendAudit(List.of(new AuditRecord(id, head.auditSequence() + 1, "X", null,
                                    Instant.EPOCH, "{}", head.auditHash(), hash(head.auditSequence() + 1))));
                            return null;
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<AuditRecord> chain = store.inTransaction((ChatStoreTransaction tx) -> tx.readAudit(id, 0, 1000));
        assertThat(chain).extracting(AuditRecord::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, WRITERS * ROUNDS).boxed()
                        .toList());
        for (int i = 1; i < chain.size(); i++) {
            assertThat(chain.get(i).previousHash()).isEqualTo(chain.get(i - 1).hash());
        }
        assertThat(store.inTransaction((ChatStoreTransaction tx) -> tx.complianceState(id)))
                .isEqualTo(new ComplianceState(WRITERS * ROUNDS, hash(WRITERS * ROUNDS), null));
    }

    private static String hash(long sequence) {
        return String.format("%064x", sequence);
    }
}
