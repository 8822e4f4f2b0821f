package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatFeed;
import dev.txchat.core.ChatService;
import dev.txchat.core.ChatServiceBuilder;
import dev.txchat.core.ConversationId;
import dev.txchat.core.FeedBatch;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.FeedSubscription;
import dev.txchat.core.MessageId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The durable change feed on a store: every committed change once, in order, with its
 * audience; nothing for rolled-back work; a reader polling while eight writers commit out
 * of insertion order (each paused between its append and its commit) misses nothing and
 * sees nothing twice; subscriptions keep a checkpoint, retry a failing handler without
 * passing it, never run on two nodes at once, and move to another node when the holder
 * stops or dies; pruning never removes what a subscription has not passed.
 *
 * <p>Extend it with {@link #createStore()} (may be shared with other tests) and
 * {@link #createEmptyStore()} (fresh tables, for pruning, which other tests' subscriptions
 * on a shared store would hold back).
 */
public abstract class ChatFeedContract {

    private static final int WAIT_SECONDS = 60;
    private static final String VIEW = ChatPermissions.CONVERSATION_VIEWER;
    private static final String WRITE = ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR;

    protected InterceptingChatStore store;
    private final List<ChatService> services = new ArrayList<>();
    private ChatService chat;
    private Actor admin;

    /** The store to test; may be shared and hold other tests' data. */
    protected abstract ChatStore createStore();

    /** A store over empty tables, used by one test only. */
    protected abstract ChatStore createEmptyStore();

    @BeforeEach
    void setUpFeed() {
        store = new InterceptingChatStore(createStore());
        chat = node(store, b -> b);
        admin = Actor.service(uid("admin"), ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, VIEW, WRITE,
                ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);
    }

    @AfterEach
    void closeNodes() {
        store.afterAppendingToFeed(null);
        services.forEach(ChatService::close);
    }

    // ---- reading ---------------------------------------------------------------------------------

    @Test
    void everyCommittedChangeIsInTheFeedOnceInCommitOrderWithWhoMaySeeIt() {
        FeedPosition start = end(chat.feed());
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), "s", null)).id();
        ParticipantMessage posted = chat.postMessage(user, id, NewMessage.of("hello"));
        chat.markRead(admin, id, ParticipantType.BUSINESS);
        chat.deleteConversation(admin, id);

        List<FeedEntry> entries = entriesOf(readAll(chat.feed(), start), Set.of(id));

        assertThat(entries).extracting(e -> e.event().getClass().getSimpleName())
                .containsExactly("ConversationStarted", "MessagePosted", "MessagesRead", "ConversationDeleted");
        assertThat(entries).extracting(FeedEntry::position).isSortedAccordingTo(FeedPosition::compareTo)
                .doesNotHaveDuplicates();
        ChatEvent.MessagePosted message = (ChatEvent.MessagePosted) entries.get(1).event();
        assertThat(message.message().id()).isEqualTo(posted.id());
        assertThat(message.message().body()).isEqualTo("hello");
        assertThat(message.actor().userId()).isEqualTo(user.userId());
        for (FeedEntry entry : entries) {
            assertThat(entry.audience().admits(user)).isTrue();
            assertThat(entry.audience().admits(admin)).isTrue();
            assertThat(entry.audience().admits(Actor.business(user.userId(), uid("other-org")))).isFalse();
            assertThat(entry.audience().admits(Actor.business(uid("colleague"), user.organizationId()))).isFalse();
        }
        assertThat(FeedPosition.parse(entries.get(2).position().toString())).isEqualTo(entries.get(2).position());
    }

    @Test
    void aBusinessViewersJsonShowsThePlatformNotTheStaffMember() {
        FeedPosition start = end(chat.feed());
        String org = uid("org");
        Actor seller = Actor.business(uid("seller"), org);
        Actor agent = Actor.service(uid("agent"), VIEW, WRITE);
        ConversationId thread = chat.accountThread(seller, org).id();
        chat.postMessage(agent, thread, NewMessage.of("from the operator"));

        FeedEntry posted = entriesOf(readAll(chat.feed(), start), Set.of(thread)).stream()
                .filter(e -> e.event() instanceof ChatEvent.MessagePosted).findFirst().orElseThrow();

        assertThat(posted.audience().admits(seller)).isTrue();
        assertThat(posted.toJson(seller)).doesNotContain(agent.userId()).contains("from the operator");
        assertThat(posted.toJson(admin)).contains(agent.userId());
        assertThat(posted.toJson()).contains(agent.userId());
    }

    @Test
    void aClosedServiceRefusesFeedReadsAndSubscriptions() {
        ChatService closing = node(store, b -> b);
        closing.close();

        assertThatThrownBy(() -> closing.feed().read(FeedPosition.START, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closing.feed().subscribe(uid("late"), e -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void readersPollingWhileEightWritersCommitOutOfOrderSeeEveryEntryOnceAndInOrder() throws Exception {
        FeedPosition start = end(chat.feed());
        int writers = 8;
        int postsPerWriter = 20;
        List<ConversationId> shared = new ArrayList<>();
        Map<Integer, ConversationId> own = new HashMap<>();
        Map<Integer, Actor> users = new HashMap<>();
        for (int i = 0; i < writers; i++) {
            Actor user = Actor.business(uid("writer"), uid("org"));
            users.put(i, user);
            own.put(i, chat.startConversation(admin, new StartConversation(ref(user), null, null)).id());
        }
        for (int i = 0; i < 2; i++) {
            shared.add(chat.startConversation(admin, new StartConversation(ref(users.get(i)), null, null)).id());
        }
        Set<ConversationId> ours = new HashSet<>(own.values());
        ours.addAll(shared);
        // every writer pauses between its append (insertion number taken) and its commit
        store.afterAppendingToFeed(() -> LockSupport.parkNanos(
                TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(3000))));
        CountDownLatch writersLeft = new CountDownLatch(writers);
        Set<MessageId> acknowledged = ConcurrentHashMap.newKeySet();
        List<List<FeedEntry>> seen = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());

        List<Object> results = Concurrently.run(writers + 2, i -> {
            if (i >= writers) {
                List<FeedEntry> mine = seen.get(i - writers);
                FeedPosition position = start;
                while (true) {
                    boolean doneBefore = writersLeft.getCount() == 0;
                    FeedBatch batch = chat.feed().read(position, 37);
                    mine.addAll(batch.entries());
                    position = batch.next();
                    if (batch.entries().isEmpty() && doneBefore) {
                        return null;
                    }
                }
            }
            try {
                Actor user = users.get(i);
                Actor staff = Actor.service(uid("staff"), WRITE);
                for (int j = 0; j < postsPerWriter; j++) {
                    ConversationId target = j % 3 == 0 ? shared.get(j % 2) : own.get(i);
                    ParticipantMessage posted = j % 2 == 0 && target.equals(own.get(i))
                            ? chat.postMessage(user, target, NewMessage.of("w" + i + " #" + j))
                            : chat.postMessage(staff, target, NewMessage.of("s" + i + " #" + j));
                    acknowledged.add(posted.id());
                }
                return null;
            } finally {
                writersLeft.countDown();
            }
        });

        assertThat(results).hasSize(writers + 2);
        assertThat(acknowledged).hasSize(writers * postsPerWriter);
        for (List<FeedEntry> reader : seen) {
            assertThat(reader).extracting(FeedEntry::position).isSortedAccordingTo(FeedPosition::compareTo)
                    .doesNotHaveDuplicates();
            List<FeedEntry> mine = entriesOf(reader, ours);
            List<MessageId> posted = mine.stream().filter(e -> e.event() instanceof ChatEvent.MessagePosted)
                    .map(e -> ((ChatEvent.MessagePosted) e.event()).message().id()).toList();
            assertThat(posted).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged);
            Map<ConversationId, List<Long>> sequences = mine.stream()
                    .filter(e -> e.event() instanceof ChatEvent.MessagePosted)
                    .collect(Collectors.groupingBy(e -> e.event().conversationId(),
                            Collectors.mapping(e -> ((ChatEvent.MessagePosted) e.event()).message().message().sequence(),
                                    Collectors.toList())));
            sequences.forEach((conversation, list) -> assertThat(list).as("sequences of %s", conversation).isSorted());
        }
    }

    @Test
    void workThatRollsBackAfterItsAppendLeavesNoEntry() {
        FeedPosition start = end(chat.feed());
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        store.afterAppendingToFeed(() -> {
            throw new IllegalStateException("the database failed after the append");
        });

        assertThatThrownBy(() -> chat.postMessage(user, id, NewMessage.of("never committed")))
                .isInstanceOf(IllegalStateException.class);
        store.afterAppendingToFeed(null);
        chat.postMessage(user, id, NewMessage.of("committed"));

        List<FeedEntry> entries = entriesOf(readAll(chat.feed(), start), Set.of(id));
        assertThat(entries).filteredOn(e -> e.event() instanceof ChatEvent.MessagePosted)
                .extracting(e -> ((ChatEvent.MessagePosted) e.event()).message().body())
                .containsExactly("committed");
    }

    @Test
    void readingValidatesItsArguments() {
        ChatFeed feed = chat.feed();
        assertInvalid("after", () -> feed.read(null, 10));
        assertInvalid("max", () -> feed.read(FeedPosition.START, 0));
        assertInvalid("max", () -> feed.read(FeedPosition.START, ChatFeed.MAX_BATCH + 1));
        for (String bad : List.of("", "x", "f", "f-1", "f12a", "12", "f99999999999999999999")) {
            assertInvalid("position", () -> FeedPosition.parse(bad));
        }
        assertInvalid("name", () -> feed.subscribe("has space", entry -> { }));
        assertInvalid("name", () -> feed.subscribe("x".repeat(65), entry -> { }));
    }

    // ---- subscriptions ---------------------------------------------------------------------------

    @Test
    @Timeout(value = 2 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void aSubscriptionDeliversInOrderAndResumesFromItsCheckpoint() throws Exception {
        String name = uid("sub");
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        Received first = new Received(id, 5);
        FeedSubscription subscription = chat.feed().subscribe(name, first::add);
        waitUntilLeased(name);
        for (int i = 1; i <= 5; i++) {
            chat.postMessage(user, id, NewMessage.of("m" + i));
        }
        first.await();
        subscription.close();
        assertThat(first.bodies()).containsExactly("m1", "m2", "m3", "m4", "m5");

        for (int i = 6; i <= 8; i++) {
            chat.postMessage(user, id, NewMessage.of("m" + i));
        }
        Received second = new Received(id, 3);
        try (FeedSubscription again = chat.feed().subscribe(name, second::add)) {
            second.await();
            assertThat(again.name()).isEqualTo(name);
        }
        assertThat(second.bodies()).containsExactly("m6", "m7", "m8");
    }

    @Test
    @Timeout(value = 2 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void aFailingHandlerIsRetriedAndTheCheckpointNeverPassesIt() throws Exception {
        ChatService node = node(store, b -> b.feedMaxRetryBackoff(Duration.ofMillis(200)));
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        AtomicInteger attemptsOnM2 = new AtomicInteger();
        Received received = new Received(id, 3);
        String name = uid("retry");
        node.feed().subscribe(name, entry -> {
            if (entry.event() instanceof ChatEvent.MessagePosted posted
                    && posted.message().body().equals("m2") && attemptsOnM2.incrementAndGet() <= 3) {
                throw new IllegalStateException("the mail server is down");
            }
            received.add(entry);
        });
        waitUntilLeased(name);

        for (int i = 1; i <= 3; i++) {
            chat.postMessage(user, id, NewMessage.of("m" + i));
        }

        received.await();
        assertThat(received.bodies()).containsExactly("m1", "m2", "m3");
        assertThat(attemptsOnM2.get()).isEqualTo(4);
    }

    @Test
    @Timeout(value = 2 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void twoNodesWithOneSubscriptionNeverDeliverAtOnceAndTheOtherTakesOverWhenOneStops() throws Exception {
        UnaryOperator<ChatServiceBuilder> fast = b -> b.feedLease(Duration.ofMillis(600))
                .feedPollInterval(Duration.ofMillis(20));
        ChatService nodeA = node(store, fast);
        ChatService nodeB = node(store, fast);
        String name = uid("shared");
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Received received = new Received(id, 30);
        Map<String, Set<String>> byNode = new ConcurrentHashMap<>();
        FeedSubscription onA = nodeA.feed().subscribe(name, entry -> handleAlone(entry, "A", inFlight, maxInFlight,
                received, byNode));
        nodeB.feed().subscribe(name, entry -> handleAlone(entry, "B", inFlight, maxInFlight, received, byNode));
        waitUntilLeased(name);

        for (int i = 1; i <= 15; i++) {
            chat.postMessage(user, id, NewMessage.of("m" + i));
        }
        received.awaitAtLeast(15);
        onA.close();
        for (int i = 16; i <= 30; i++) {
            chat.postMessage(user, id, NewMessage.of("m" + i));
        }

        received.await();
        assertThat(maxInFlight.get()).as("entries handled at the same time").isEqualTo(1);
        assertThat(new HashSet<>(received.bodies())).hasSize(30);
        assertThat(byNode.getOrDefault("B", Set.of())).as("node B after A stopped")
                .contains("m16", "m30");
    }

    @Test
    @Timeout(value = 2 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void aNodeThatDiesHoldingTheLeaseIsTakenOverOnceTheLeaseRunsOut() throws Exception {
        String name = uid("orphan");
        // a node took the lease and died: it never renews nor gives it up
        Instant now = Instant.now();
        long taken = store.inTransaction(tx -> tx.leaseSubscription(name, "dead-node", now, now.plusMillis(800)));
        assertThat(taken).isNotNegative();
        ChatService survivor = node(store, b -> b.feedLease(Duration.ofMillis(500))
                .feedPollInterval(Duration.ofMillis(20)));
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        chat.postMessage(user, id, NewMessage.of("while the lease was held"));
        Received received = new Received(id, 2);

        survivor.feed().subscribe(name, received::add);
        chat.postMessage(user, id, NewMessage.of("after"));

        received.await();
        assertThat(received.bodies()).containsExactly("while the lease was held", "after");
    }

    // ---- pruning ---------------------------------------------------------------------------------

    @Test
    void pruningRemovesOnlyOldEntriesThatEverySubscriptionHasPassed() {
        ChatStore empty = createEmptyStore();
        MutableClock clock = MutableClock.startingAtEpochDay();
        ChatService node = services(ChatService.builder().store(empty).clock(clock)
                .feedRetention(Duration.ofDays(1)).build());
        Instant start = clock.instant();
        long slowAt = empty.inTransaction(tx -> tx.leaseSubscription("slow", "n1", start, start.plusSeconds(5)));
        Actor user = Actor.business(uid("user"), uid("org"));
        ConversationId id = node.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        node.postMessage(user, id, NewMessage.of("old"));
        long written = end(node.feed()).value();

        clock.advance(Duration.ofDays(2));
        assertThat(readAll(node.feed(), FeedPosition.START)).as("kept: 'slow' has not passed them").hasSize(2);

        empty.inTransaction(tx -> tx.advanceSubscription("slow", "n1", written, clock.instant().plusSeconds(5)));
        node.postMessage(user, id, NewMessage.of("recent"));
        clock.advance(Duration.ofMinutes(2));
        List<FeedEntry> left = readAll(node.feed(), FeedPosition.START);

        assertThat(slowAt).isZero();
        assertThat(left).extracting(e -> e.event().getClass().getSimpleName()).containsExactly("MessagePosted");
        assertThat(((ChatEvent.MessagePosted) left.get(0).event()).message().body()).isEqualTo("recent");
        // a reader whose saved position was pruned is told, never silently skipped ahead
        assertThatThrownBy(() -> node.feed().read(FeedPosition.of(1), 10))
                .isInstanceOfSatisfying(dev.txchat.core.ConflictException.class,
                        e -> assertThat(e.field()).isEqualTo("after"));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private ChatService node(ChatStore on, UnaryOperator<ChatServiceBuilder> configure) {
        return services(configure.apply(ChatService.builder().store(on).clock(Clock.systemUTC())
                .feedPollInterval(Duration.ofMillis(50))).build());
    }

    private ChatService services(ChatService service) {
        services.add(service);
        return service;
    }

    private static void handleAlone(FeedEntry entry, String node, AtomicInteger inFlight, AtomicInteger maxInFlight,
                                    Received received, Map<String, Set<String>> byNode) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            if (entry.event() instanceof ChatEvent.MessagePosted posted
                    && posted.conversationId().equals(received.conversation)) {
                byNode.computeIfAbsent(node, k -> ConcurrentHashMap.newKeySet()).add(posted.message().body());
            }
            received.add(entry);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Waits until some node holds the subscription's lease, so that it started at the current end. */
    private void waitUntilLeased(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (store.inTransaction(tx -> tx.leaseSubscription(name, "probe", Instant.now(), Instant.now())) >= 0) {
            // the probe got the lease: nobody holds it yet; give it back and look again
            store.inTransaction(tx -> {
                tx.releaseSubscription(name, "probe");
                return null;
            });
            assertThat(System.nanoTime()).as("a node took the lease of %s", name).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** The feed's current end (everything committed so far read). */
    private static FeedPosition end(ChatFeed feed) {
        FeedPosition position = FeedPosition.START;
        while (true) {
            FeedBatch batch = feed.read(position, ChatFeed.MAX_BATCH);
            if (batch.entries().isEmpty()) {
                return position;
            }
            position = batch.next();
        }
    }

    private static List<FeedEntry> readAll(ChatFeed feed, FeedPosition after) {
        List<FeedEntry> all = new ArrayList<>();
        FeedPosition position = after;
        while (true) {
            FeedBatch batch = feed.read(position, 100);
            if (batch.entries().isEmpty()) {
                return all;
            }
            all.addAll(batch.entries());
            position = batch.next();
        }
    }

    private static List<FeedEntry> entriesOf(List<FeedEntry> entries, Set<ConversationId> conversations) {
        return entries.stream().filter(e -> conversations.contains(e.event().conversationId())).toList();
    }

    private static void assertInvalid(String field, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.hasErrorOn(field)).as(e.getMessage()).isTrue());
    }

    private static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static ParticipantRef ref(Actor user) {
        return ParticipantRef.businessUser(user.userId(), user.organizationId());
    }

    /** The message bodies a handler received for one conversation, and a latch for how many are expected. */
    private static final class Received {
        final ConversationId conversation;
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final CountDownLatch expected;
        final int count;

        Received(ConversationId conversation, int count) {
            this.conversation = conversation;
            this.count = count;
            this.expected = new CountDownLatch(count);
        }

        void add(FeedEntry entry) {
            if (entry.event() instanceof ChatEvent.MessagePosted posted && posted.conversationId().equals(conversation)) {
                bodies.add(posted.message().body());
                expected.countDown();
            }
        }

        void await() throws InterruptedException {
            assertThat(expected.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("received %s of %s: %s",
                    count - expected.getCount(), count, bodies).isTrue();
        }

        void awaitAtLeast(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (new HashSet<>(bodies).size() < n) {
                assertThat(System.nanoTime()).as("received %s", bodies).isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        List<String> bodies() {
            return List.copyOf(bodies);
        }
    }
}
