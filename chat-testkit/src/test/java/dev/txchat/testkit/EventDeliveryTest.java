package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.WalletOwner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What hosts are promised about {@link ChatEventListener}s: a throwing listener never
 * fails a call nor starves the others, a slow one never holds a call beyond the configured
 * bound, events come in commit order, only after commit, and never for work that rolled back.
 */
class EventDeliveryTest {

    /** How long a test waits for an event before giving up; far above any healthy delivery. */
    private static final long WAIT_SECONDS = 30;
    private static final Duration GENEROUS_LISTENER_TIMEOUT = Duration.ofSeconds(WAIT_SECONDS);

    private final FakeTransactionDirectory directory = new FakeTransactionDirectory();
    private final Actor admin = Actor.service(uid("admin"),
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
            ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_DELETION_EXECUTOR,
            ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);
    private final Actor user = Actor.business(uid("user"), uid("org"));
    /** Released at the end of every test, so that no listener thread stays blocked. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void releaseBlockedListeners() {
        release.countDown();
    }

    // =====================================================================================
    // Failing listeners
    // =====================================================================================

    @Test
    void aThrowingListenerNeverFailsTheCallAndTheOtherListenersStillGetEveryEvent() throws Exception {
        AtomicInteger thrown = new AtomicInteger();
        Recorder recorder = new Recorder();
        ChatService chat = service(new InMemoryChatStore(), GENEROUS_LISTENER_TIMEOUT, event -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("listener bug");
        }, recorder);

        ConversationId id = startWithFirstMessage(chat, "first");
        chat.postMessage(user, id, NewMessage.of("second"));
        chat.markRead(user, id, ParticipantType.SERVICE);
        chat.deleteConversation(admin, id);

        assertThat(recorder.await(5)).containsExactly(
                "ConversationStarted", "MessagePosted#1 first", "MessagePosted#2 second", "MessagesRead SERVICE 1",
                "ConversationDeleted");
        assertThat(thrown).as("the throwing listener is still called for every later event").hasValue(5);
    }

    @Test
    void aListenerThrowingACheckedExceptionNeverFailsTheCallAndTheOtherListenersStillGetEveryEvent()
            throws Exception {
        // Listeners written in other JVM languages (or with a "sneaky throw") can throw checked exceptions.
        Recorder recorder = new Recorder();
        ChatService chat = service(new InMemoryChatStore(), GENEROUS_LISTENER_TIMEOUT,
                event -> sneakyThrow(new IOException("listener lost its connection")), recorder);

        ConversationId id = startWithFirstMessage(chat, "first");
        chat.postMessage(user, id, NewMessage.of("second"));

        assertThat(recorder.await(3)).containsExactly("ConversationStarted", "MessagePosted#1 first",
                "MessagePosted#2 second");
    }

    // =====================================================================================
    // Slow listeners
    // =====================================================================================

    @Test
    void aSlowListenerNeverHoldsACallBeyondTheListenerTimeout() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        ChatService chat = service(new InMemoryChatStore(), Duration.ofMillis(200), event -> {
            entered.countDown();
            awaitRelease();
            recorder.onEvent(event);
        });

        // Each call may wait 200 ms for the blocked listener; five seconds leaves room for any slow machine,
        // while a call waiting for the listener itself would never return before the release below.
        ConversationId id = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            ConversationId started = startWithFirstMessage(chat, "first");
            chat.postMessage(user, started, NewMessage.of("second"));
            chat.postMessage(admin, started, NewMessage.of("third"));
            return started;
        });

        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the listener was called").isTrue();
        assertThat(recorder.received()).as("nothing delivered while the listener is blocked").isEmpty();
        assertThat(chat.getConversation(admin, id).messageCount()).isEqualTo(3);

        release.countDown();

        assertThat(recorder.await(4)).containsExactly(
                "ConversationStarted", "MessagePosted#1 first", "MessagePosted#2 second", "MessagePosted#3 third");
    }

    @Test
    void withAZeroListenerTimeoutACallNeverWaitsForTheListeners() throws Exception {
        Recorder recorder = new Recorder();
        ChatService chat = service(new InMemoryChatStore(), Duration.ZERO, event -> {
            awaitRelease();
            recorder.onEvent(event);
        });

        ConversationId id = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            ConversationId started = startWithFirstMessage(chat, "first");
            chat.postMessage(user, started, NewMessage.of("second"));
            return started;
        });
        assertThat(recorder.received()).isEmpty();

        release.countDown();

        assertThat(recorder.await(3)).containsExactly(
                "ConversationStarted", "MessagePosted#1 first", "MessagePosted#2 second");
        assertThat(chat.getConversation(admin, id).messageCount()).isEqualTo(2);
    }

    // =====================================================================================
    // Order
    // =====================================================================================

    @Test
    void eventsArriveInCommitOrder() throws Exception {
        Recorder recorder = new Recorder();
        ChatService chat = service(new InMemoryChatStore(), GENEROUS_LISTENER_TIMEOUT, recorder);
        Actor writer = Actor.service(uid("writer"), ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);

        ConversationId id = startWithFirstMessage(chat, "one");
        chat.postMessage(user, id, NewMessage.of("two"));
        Participant added = chat.addParticipant(admin, id, ParticipantRef.serviceUser(uid("observer")));
        chat.postMessage(writer, id, NewMessage.of("three"));
        chat.markRead(user, id, ParticipantType.SERVICE);
        chat.removeParticipant(admin, id, added.id());
        chat.postMessage(user, id, NewMessage.of("four"));
        chat.deleteConversation(admin, id);

        assertThat(recorder.await(10)).containsExactly(
                "ConversationStarted",
                "MessagePosted#1 one",
                "MessagePosted#2 two",
                "ParticipantAdded SERVICE " + added.userId(),
                "ParticipantAdded SERVICE " + writer.userId(),
                "MessagePosted#3 three",
                "MessagesRead SERVICE 2",
                "ParticipantRemoved SERVICE " + added.userId(),
                "MessagePosted#4 four",
                "ConversationDeleted");
    }

    @Test
    void anEventIsNeverOvertakenByTheEventOfALaterCommitToTheSameConversation() throws Exception {
        StallingStore store = new StallingStore(new InMemoryChatStore());
        Recorder recorder = new Recorder();
        // short, so that a dispatcher that holds back the later event until the earlier one is
        // published lets the later call return soon
        ChatService chat = service(store, Duration.ofMillis(200), recorder);
        ConversationId id = startWithFirstMessage(chat, "first");
        assertThat(recorder.await(2)).containsExactly("ConversationStarted", "MessagePosted#1 first");

        CountDownLatch committed = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        store.stallNextAfterCommit(committed, resume);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // "second" commits, then its thread is held (as by a GC pause or a slow network) before it returns
            Future<ParticipantMessage> second = pool.submit(() -> chat.postMessage(user, id, NewMessage.of("second")));
            assertThat(committed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("second committed").isTrue();
            ParticipantMessage third = chat.postMessage(admin, id, NewMessage.of("third"));
            assertThat(third.sequence()).isEqualTo(3);
            resume.countDown();
            assertThat(second.get(WAIT_SECONDS, TimeUnit.SECONDS).sequence()).isEqualTo(2);
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }

        assertThat(recorder.await(2)).containsExactly("MessagePosted#2 second", "MessagePosted#3 third");
    }

    @Test
    void eventsOfConcurrentWritersToOneConversationArriveInCommitOrder() throws Exception {
        int threads = 4;
        int postsPerThread = 100;
        List<Long> sequences = new CopyOnWriteArrayList<>();
        CountDownLatch allPosted = new CountDownLatch(threads * postsPerThread + 1);
        ChatService chat = service(new InMemoryChatStore(), GENEROUS_LISTENER_TIMEOUT, event -> {
            if (event instanceof ChatEvent.MessagePosted posted) {
                sequences.add(posted.message().sequence());
                allPosted.countDown();
            }
        });
        ConversationId id = startWithFirstMessage(chat, "start");

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Actor writer = t % 2 == 0 ? admin : user;
                int thread = t;
                writers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < postsPerThread; i++) {
                        chat.postMessage(writer, id, NewMessage.of("thread " + thread + " message " + i));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> writer : writers) {
                writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(allPosted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("every event delivered").isTrue();
        assertThat(sequences).as("message events in the order their messages were committed")
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSize(threads * postsPerThread + 1);
    }

    // =====================================================================================
    // Only committed work
    // =====================================================================================

    @Test
    void eventsAreDeliveredOnlyAfterCommit() throws Exception {
        ObservedStore store = new ObservedStore(new InMemoryChatStore());
        AtomicReference<ChatService> service = new AtomicReference<>();
        List<String> observations = new CopyOnWriteArrayList<>();
        CountDownLatch observed = new CountDownLatch(4);
        ChatEventListener readBack = event -> {
            // checked first, before this listener opens units of work of its own
            int open = store.openUnits.get();
            String seen;
            if (event instanceof ChatEvent.MessagePosted posted) {
                ParticipantMessage last = service.get().listMessages(admin, posted.conversationId(),
                        PageRequest.last(1)).nodes().get(0);
                seen = "posted " + posted.message().body() + " read back "
                        + (last.id().equals(posted.message().id()) ? last.body() : "<missing>");
            } else if (event instanceof ChatEvent.ConversationStarted started) {
                seen = "started, read back " + service.get().getConversation(admin, started.conversationId()).id()
                        .equals(started.conversationId());
            } else {
                seen = "other " + event.getClass().getSimpleName();
            }
            observations.add(seen + ", units still open: " + open);
            observed.countDown();
        };
        ChatService chat = service(store, GENEROUS_LISTENER_TIMEOUT, readBack);
        service.set(chat);

        ConversationId id = startWithFirstMessage(chat, "hello");
        chat.postMessage(user, id, NewMessage.of("reply"));
        chat.postMessage(admin, id, NewMessage.of("answer"));

        assertThat(observed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(observations).containsExactly(
                "started, read back true, units still open: 0",
                "posted hello read back hello, units still open: 0",
                "posted reply read back reply, units still open: 0",
                "posted answer read back answer, units still open: 0");
    }

    @Test
    void noEventIsDeliveredForWorkThatRolledBack() throws Exception {
        FailingCommitStore store = new FailingCommitStore(new InMemoryChatStore());
        EventQueue queue = new EventQueue();
        ChatService chat = service(store, GENEROUS_LISTENER_TIMEOUT, queue);
        Actor other = Actor.business(uid("other"), uid("org"));
        String tx = uid("tx");
        directory.register(tx, Map.of(), new WalletOwner(other.userId(), other.organizationId()));

        ConversationId id = startWithFirstMessage(chat, "first");
        assertThat(queue.takeUntil(e -> describe(e).equals("MessagePosted#1 first")))
                .containsExactly("ConversationStarted", "MessagePosted#1 first");

        store.failNextCommit();
        assertThatThrownBy(() -> chat.postMessage(user, id, NewMessage.of("doomed")))
                .hasMessage("commit failed");
        store.failNextCommit();
        assertThatThrownBy(() -> chat.markRead(user, id, ParticipantType.SERVICE)).hasMessage("commit failed");
        store.failNextCommit();
        assertThatThrownBy(() -> chat.addParticipant(admin, id, ParticipantRef.serviceUser(uid("doomed"))))
                .hasMessage("commit failed");
        store.failNextCommit();
        assertThatThrownBy(() -> chat.deleteConversation(admin, id)).hasMessage("commit failed");
        store.failNextCommit();
        assertThatThrownBy(() -> chat.openTransactionChat(admin, new OpenTransactionChat(tx,
                ParticipantRef.businessUser(other.userId(), other.organizationId()), NewMessage.of("doomed too"))))
                .hasMessage("commit failed");

        // the store rolled all of it back ...
        var view = chat.getConversation(admin, id);
        assertThat(view.messageCount()).isEqualTo(1);
        assertThat(view.unreadCount()).isZero();
        assertThat(view.conversation().status()).isEqualTo(ConversationStatus.OPEN);
        assertThat(view.conversation().participants()).hasSize(2);
        assertThat(chat.getConversation(user, id).unreadCount()).isEqualTo(1);
        assertThatThrownBy(() -> chat.ticket(admin, tx)).isInstanceOf(NotFoundException.class);

        // ... and the next event to arrive is that of the next successful call, not of any failed one
        chat.postMessage(user, id, NewMessage.of("after"));
        assertThat(queue.takeUntil(e -> describe(e).startsWith("MessagePosted")))
                .containsExactly("MessagePosted#2 after");
        chat.openTransactionChat(admin, new OpenTransactionChat(tx,
                ParticipantRef.businessUser(other.userId(), other.organizationId()), NewMessage.of("now for real")));
        assertThat(queue.takeUntil(e -> describe(e).startsWith("MessagePosted")))
                .containsExactly("ConversationStarted", "MessagePosted#1 now for real");
        assertThat(queue.remaining()).isEmpty();
    }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    private ChatService service(ChatStore store, Duration listenerTimeout, ChatEventListener... listeners) {
        var builder = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .listenerTimeout(listenerTimeout);
        for (ChatEventListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }

    private ConversationId startWithFirstMessage(ChatService chat, String body) {
        return chat.startConversation(admin, new StartConversation(
                ParticipantRef.businessUser(user.userId(), user.organizationId()), null, NewMessage.of(body))).id();
    }

    private void awaitRelease() {
        try {
            if (!release.await(WAIT_SECONDS * 2, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A short, comparable description of an event. */
    private static String describe(ChatEvent event) {
        if (event instanceof ChatEvent.ConversationStarted) {
            return "ConversationStarted";
        }
        if (event instanceof ChatEvent.MessagePosted e) {
            return "MessagePosted#" + e.message().sequence() + " " + e.message().body();
        }
        if (event instanceof ChatEvent.MessagesRead e) {
            return "MessagesRead " + e.sentBy() + " " + e.receipt().markedRead();
        }
        if (event instanceof ChatEvent.ConversationDeleted) {
            return "ConversationDeleted";
        }
        if (event instanceof ChatEvent.ParticipantAdded e) {
            return "ParticipantAdded " + e.participant().type() + " " + e.participant().userId();
        }
        if (event instanceof ChatEvent.ParticipantRemoved e) {
            return "ParticipantRemoved " + e.participant().type() + " " + e.participant().userId();
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    private static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }

    /** Records what it hears and lets the test wait for a number of events. */
    private static final class Recorder implements ChatEventListener {
        private final BlockingQueue<String> heard = new LinkedBlockingQueue<>();

        @Override
        public void onEvent(ChatEvent event) {
            heard.add(describe(event));
        }

        List<String> received() {
            return List.copyOf(heard);
        }

        /** Waits until {@code count} events arrived (failing after the wait bound), then returns all heard. */
        List<String> await(int count) throws InterruptedException {
            List<String> taken = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (taken.size() < count) {
                String next = heard.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(next).as("event %d of %d after %s", taken.size() + 1, count, taken).isNotNull();
                taken.add(next);
            }
            // anything more that already arrived belongs in the answer too: it must not be hidden
            heard.drainTo(taken);
            return taken;
        }
    }

    /** Queues events so that a test can take them in order, waiting for each. */
    private static final class EventQueue implements ChatEventListener {
        private final BlockingQueue<ChatEvent> queue = new LinkedBlockingQueue<>();

        @Override
        public void onEvent(ChatEvent event) {
            queue.add(event);
        }

        /** Takes events up to and including the first that matches, waiting for each. */
        List<String> takeUntil(Predicate<ChatEvent> last) throws InterruptedException {
            List<String> taken = new ArrayList<>();
            while (true) {
                ChatEvent next = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(next).as("an event after %s", taken).isNotNull();
                taken.add(describe(next));
                if (last.test(next)) {
                    return taken;
                }
            }
        }

        List<String> remaining() {
            List<String> rest = new ArrayList<>();
            queue.forEach(e -> rest.add(describe(e)));
            return rest;
        }
    }

    /** Counts the units of work in progress. */
    private static final class ObservedStore implements ChatStore {
        final AtomicInteger openUnits = new AtomicInteger();
        private final ChatStore delegate;

        ObservedStore(ChatStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
            openUnits.incrementAndGet();
            try {
                return delegate.inTransaction(work);
            } finally {
                openUnits.decrementAndGet();
            }
        }
    }

    /** Holds the thread of a chosen unit of work after it committed, before it returns to the core. */
    private static final class StallingStore implements ChatStore {
        private final ChatStore delegate;
        private final AtomicReference<CountDownLatch[]> next = new AtomicReference<>();

        StallingStore(ChatStore delegate) {
            this.delegate = delegate;
        }

        /** The next unit of work counts down {@code committed} after its commit, then waits for {@code resume}. */
        void stallNextAfterCommit(CountDownLatch committed, CountDownLatch resume) {
            next.set(new CountDownLatch[] {committed, resume});
        }

        @Override
        public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
            CountDownLatch[] stall = next.getAndSet(null);
            T result = delegate.inTransaction(work);
            if (stall != null) {
                stall[0].countDown();
                try {
                    if (!stall[1].await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never resumed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return result;
        }
    }

    /**
     * Simulates a commit that fails after all the work was done: the work runs on the real
     * store, then the unit of work throws, so the real store rolls everything back.
     */
    private static final class FailingCommitStore implements ChatStore {
        private final ChatStore delegate;
        private final AtomicBoolean failNext = new AtomicBoolean();

        FailingCommitStore(ChatStore delegate) {
            this.delegate = delegate;
        }

        void failNextCommit() {
            failNext.set(true);
        }

        @Override
        public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
            if (!failNext.getAndSet(false)) {
                return delegate.inTransaction(work);
            }
            return delegate.inTransaction(tx -> {
                work.apply(tx);
                throw new RuntimeException("commit failed");
            });
        }
    }
}
