package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two application nodes over one PostgreSQL database, each with its own pool and its own
 * {@code ChatService}: node A posts, a feed subscription on node B receives every message in
 * order, and the time from node A's call to node B's handler is measured, once woken by
 * {@code LISTEN/NOTIFY} and once by polling every 100 ms. Prints and writes
 * {@code target/feed-latency-postgresql.txt}.
 */
class PostgresFeedLatencyTest {

    private static final int MESSAGES = 200;
    private static final Duration POLL = Duration.ofMillis(100);

    @ParameterizedTest
    @ValueSource(strings = {"notify", "polling"})
    void aSubscriberOnAnotherNodeReceivesEveryMessageInOrderWithinABound(String wakeUp) throws Exception {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        String prefix = "lat" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        try (HikariDataSource poolA = TestDatabases.pool(Dialect.POSTGRESQL, null, 4);
             HikariDataSource poolB = TestDatabases.pool(Dialect.POSTGRESQL, null, 4)) {
            Jdbi admin = Jdbi.create(poolA);
            TestDatabases.dropTables(admin, prefix);
            JdbiChatStore storeA = JdbiChatStore.create(poolA).withTablePrefix(prefix);
            storeA.migrate();
            JdbiChatStore storeB = JdbiChatStore.create(poolB).withTablePrefix(prefix)
                    .withFeedNotifications(wakeUp.equals("notify"));
            try (ChatService nodeA = ChatService.builder().store(storeA).build();
                 ChatService nodeB = ChatService.builder().store(storeB).feedPollInterval(POLL).build()) {
                Actor staff = Actor.service("latency-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                        ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
                ConversationId id = nodeA.startConversation(staff, new StartConversation(
                        ParticipantRef.businessUser("latency-user", "latency-org"), null, null)).id();
                Map<MessageId, Long> arrived = new ConcurrentHashMap<>();
                List<Long> sequences = new CopyOnWriteArrayList<>();
                CountDownLatch all = new CountDownLatch(MESSAGES);
                nodeB.feed().subscribe("latency-" + wakeUp, entry -> {
                    if (entry.event() instanceof ChatEvent.MessagePosted posted) {
                        arrived.put(posted.message().id(), System.nanoTime());
                        sequences.add(posted.message().message().sequence());
                        all.countDown();
                    }
                });

                Map<MessageId, Long> called = new ConcurrentHashMap<>();
                for (int i = 0; i < MESSAGES; i++) {
                    long before = System.nanoTime();
                    MessageId posted = nodeA.postMessage(staff, id, NewMessage.of("m" + i)).id();
                    called.put(posted, before);
                    // a message every 10 ms or so, as a busy conversation would see them
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }

                assertThat(all.await(60, TimeUnit.SECONDS)).as("node B received all %s", MESSAGES).isTrue();
                assertThat(sequences).containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, MESSAGES).boxed().toList());
                List<Long> micros = new ArrayList<>();
                called.forEach((message, start) -> micros.add(
                        TimeUnit.NANOSECONDS.toMicros(arrived.get(message) - start)));
                micros.sort(Long::compare);
                long p50 = micros.get(micros.size() / 2);
                long p99 = micros.get((int) Math.ceil(micros.size() * 0.99) - 1);
                String line = String.format("feed latency postgresql %s: p50=%.1f ms p99=%.1f ms max=%.1f ms"
                                + " messages=%d (from node A's call to node B's handler; poll interval %d ms)",
                        wakeUp, p50 / 1000.0, p99 / 1000.0, micros.get(micros.size() - 1) / 1000.0, MESSAGES,
                        POLL.toMillis());
                System.out.println(line);
                write(line);
                if (wakeUp.equals("notify")) {
                    assertThat(p99).as("p99 µs with NOTIFY").isLessThan(500_000);
                } else {
                    assertThat(p99).as("p99 µs polling").isLessThan(POLL.toNanos() / 1000 + 500_000);
                }
            } finally {
                TestDatabases.dropTables(admin, prefix);
            }
        }
    }

    private static void write(String line) throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("feed-latency-postgresql.txt"), line + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
