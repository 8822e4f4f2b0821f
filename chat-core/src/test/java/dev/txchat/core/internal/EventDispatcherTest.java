package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.txchat.core.Actor;
import dev.txchat.core.ConversationId;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher alone, without a store: commit (slot) order under concurrent callers, a
 * caller has seen its fast listener's delivery when it returns, a blocked listener holds no
 * call beyond the timeout, and listeners that throw or leave their thread interrupted stop
 * nothing. {@code EventDeliveryTest} in chat-testkit checks the same through a service.
 */
class EventDispatcherTest {

    private static final long WAIT_SECONDS = 30;
    private static final Duration GENEROUS = Duration.ofSeconds(WAIT_SECONDS);
    private static final Actor ACTOR = Actor.service("dispatcher-test");

    private final List<EventDispatcher> opened = new ArrayList<>();
    /** Released after every test, so that no listener stays blocked. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeDispatchers() {
        release.countDown();
        opened.forEach(EventDispatcher::close);
    }

    @Test
    void batchesOfEightConcurrentCallersArriveInSlotOrderAndEachCallerHasSeenItsOwn() throws Exception {
        int callers = 8;
        int callsEach = 300;
        List<Long> heard = new CopyOnWriteArrayList<>();
        EventDispatcher dispatcher = dispatcher(GENEROUS, event -> heard.add(numberOf(event)));
        Object commitLock = new Object();
        List<Long> expected = new CopyOnWriteArrayList<>();
        AtomicInteger notSeenOnReturn = new AtomicInteger();

        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                done.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < callsEach; i++) {
                        long slot;
                        int kind = random.nextInt(10);
                        synchronized (commitLock) { // the unit of work's row lock: it reserves while holding it
                            slot = dispatcher.reserve();
                            if (kind > 1) {
                                expected.add(slot);
                            }
                        }
                        // between commit and publish the thread may be delayed: releases come out of order
                        for (int spin = random.nextInt(200); spin > 0; spin--) {
                            Thread.onSpinWait();
                        }
                        if (kind == 0) {
                            dispatcher.cancel(slot); // failed or retried
                        } else if (kind == 1) {
                            dispatcher.publish(slot, List.of()); // committed nothing to tell
                        } else {
                            dispatcher.publish(slot, List.of(event(slot)));
                            if (!heard.contains(slot)) {
                                notSeenOnReturn.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(heard).as("every committed batch, in slot order").containsExactlyElementsOf(
                expected.stream().sorted().toList());
        assertThat(notSeenOnReturn).as("calls that returned before their fast listener saw the event").hasValue(0);
    }

    @Test
    void aListenerBlockedLongerThanTheTimeoutHoldsNeitherItsCallNorTheNextBeyondTheTimeout() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        List<Long> heard = new CopyOnWriteArrayList<>();
        CountDownLatch heardAll = new CountDownLatch(3);
        EventDispatcher dispatcher = dispatcher(Duration.ofMillis(200), event -> {
            entered.countDown();
            awaitRelease();
            heard.add(numberOf(event));
            heardAll.countDown();
        });

        // each call may wait its 200 ms; one that waited for the blocked listener would never return in time
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long first = dispatcher.reserve();
            dispatcher.publish(first, List.of(event(first)));
        });
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long second = dispatcher.reserve();
            dispatcher.publish(second, List.of(event(second)));
        });
        assertThat(heard).as("nothing delivered while the listener is blocked").isEmpty();

        release.countDown();
        long third = dispatcher.reserve();
        dispatcher.publish(third, List.of(event(third)));

        assertThat(heardAll.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(heard).as("the listener unblocked: all, in order").containsExactly(0L, 1L, 2L);
    }

    @Test
    void aReservedSlotNeverPublishedHoldsBackLaterBatchesButNoCallBeyondTheTimeout() throws Exception {
        List<Long> heard = new CopyOnWriteArrayList<>();
        CountDownLatch heardBoth = new CountDownLatch(2);
        EventDispatcher dispatcher = dispatcher(Duration.ofMillis(100), event -> {
            heard.add(numberOf(event));
            heardBoth.countDown();
        });
        long stalled = dispatcher.reserve(); // committed, its thread delayed before publishing

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long later = dispatcher.reserve();
            dispatcher.publish(later, List.of(event(later)));
        });
        assertThat(heard).as("a later batch never overtakes an earlier slot").isEmpty();

        dispatcher.publish(stalled, List.of(event(stalled)));
        assertThat(heardBoth.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(heard).containsExactly(0L, 1L);
    }

    @Test
    void throwingListenersAreSkippedAndTheOthersStillSeeEveryEventBeforeTheCallReturns() {
        AtomicInteger thrown = new AtomicInteger();
        List<Long> heard = new CopyOnWriteArrayList<>();
        EventDispatcher dispatcher = dispatcher(GENEROUS, event -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("a listener failing on purpose (expected in this test)");
        }, event -> {
            throw new AssertionError("an Error from a listener, on purpose (expected in this test)");
        }, event -> heard.add(numberOf(event)));

        for (int i = 0; i < 3; i++) {
            long slot = dispatcher.reserve();
            dispatcher.publish(slot, List.of(event(slot)));
            assertThat(heard).as("seen when call %d returned", i).contains(slot);
        }
        assertThat(heard).containsExactly(0L, 1L, 2L);
        assertThat(thrown).hasValue(3);
    }

    @Test
    void aListenerThatLeavesItsThreadInterruptedOrThrowsAVirtualMachineErrorStopsNoLaterDelivery() {
        List<Long> heard = new CopyOnWriteArrayList<>();
        EventDispatcher dispatcher = dispatcher(GENEROUS, event -> {
            long n = numberOf(event);
            if (n == 0) {
                Thread.currentThread().interrupt();
            } else if (n == 1) {
                throw new StackOverflowError("thrown on purpose (expected in this test)");
            }
        }, event -> heard.add(numberOf(event)));

        for (int i = 0; i < 4; i++) {
            long slot = dispatcher.reserve();
            dispatcher.publish(slot, List.of(event(slot)));
        }
        // the error ends the delivery thread mid-batch (as it ended a pool worker); the next one takes over
        assertThat(heard).containsExactly(0L, 2L, 3L);
    }

    @Test
    void withAZeroTimeoutACallNeverWaitsAndTheEventStillArrives() throws Exception {
        CountDownLatch delivered = new CountDownLatch(1);
        EventDispatcher dispatcher = dispatcher(Duration.ZERO, event -> {
            awaitRelease();
            delivered.countDown();
        });

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long slot = dispatcher.reserve();
            dispatcher.publish(slot, List.of(event(slot)));
        });
        release.countDown();
        assertThat(delivered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closeDeliversWhatWasQueuedAndDropsWhatCommitsAfter() {
        List<Long> heard = new CopyOnWriteArrayList<>();
        EventDispatcher dispatcher = dispatcher(Duration.ZERO, event -> {
            awaitRelease();
            heard.add(numberOf(event));
        });
        for (int i = 0; i < 5; i++) {
            long slot = dispatcher.reserve();
            dispatcher.publish(slot, List.of(event(slot)));
        }
        long late = dispatcher.reserve();
        release.countDown();

        dispatcher.close();
        dispatcher.publish(late, List.of(event(late)));
        dispatcher.close();

        assertThat(heard).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aListenerSlowerThanTheCallersSpinHasStillSeenEveryEventWhenItsCallReturns() {
        List<Long> heard = new CopyOnWriteArrayList<>();
        long slower = EventDispatcher.CALLER_SPIN_NANOS * 20;
        EventDispatcher dispatcher = dispatcher(GENEROUS, event -> {
            // outlasts the caller's spin, so the caller parks and must be unparked by the delivery
            long until = System.nanoTime() + slower;
            while (System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
            }
            heard.add(numberOf(event));
        });
        for (int i = 0; i < 20; i++) {
            long slot = dispatcher.reserve();
            dispatcher.publish(slot, List.of(event(slot)));
            assertThat(heard).as("seen when call %d returned", i).contains(slot);
        }
    }

    @Test
    void batchesBeyondTheQueueCapacityPassThroughInOrderOneCallerAfterAnother() {
        int calls = EventDispatcher.QUEUE_CAPACITY * 2 + 17; // the ring wraps around twice
        List<Long> heard = new ArrayList<>();
        AtomicInteger notSeenOnReturn = new AtomicInteger();
        EventDispatcher dispatcher = dispatcher(GENEROUS, event -> heard.add(numberOf(event)));
        for (int i = 0; i < calls; i++) {
            long slot = dispatcher.reserve();
            dispatcher.publish(slot, List.of(event(slot)));
            synchronized (heard) {
                if (heard.size() != i + 1 || heard.get(i) != slot) {
                    notSeenOnReturn.incrementAndGet();
                }
            }
        }
        assertThat(notSeenOnReturn).as("calls that returned before their listener saw their event").hasValue(0);
        assertThat(heard).hasSize(calls);
    }

    @Test
    void aHungListenerFillsTheQueueThenEventsAreDroppedWhileNoCallWaitsBeyondTheTimeout() throws Exception {
        List<Long> heard = new CopyOnWriteArrayList<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch queuedDelivered = new CountDownLatch(EventDispatcher.QUEUE_CAPACITY + 1);
        EventDispatcher dispatcher = dispatcher(Duration.ZERO, event -> {
            entered.countDown();
            awaitRelease();
            heard.add(numberOf(event));
            queuedDelivered.countDown();
        });
        int published = EventDispatcher.QUEUE_CAPACITY + 50;
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            long first = dispatcher.reserve();
            dispatcher.publish(first, List.of(event(first)));
            assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < published; i++) {
                long slot = dispatcher.reserve();
                dispatcher.publish(slot, List.of(event(slot)));
            }
        });
        release.countDown();
        assertThat(queuedDelivered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        long after = dispatcher.reserve();
        dispatcher.publish(after, List.of(event(after)));
        dispatcher.close();

        // the one being delivered, then a full queue in order; the rest dropped; later ones delivered again
        List<Long> expected = new ArrayList<>();
        for (long n = 0; n <= EventDispatcher.QUEUE_CAPACITY; n++) {
            expected.add(n);
        }
        expected.add(after);
        assertThat(heard).containsExactlyElementsOf(expected);
    }

    @Test
    void withoutListenersNothingIsReservedOrStarted() {
        EventDispatcher dispatcher = dispatcher(GENEROUS);
        assertThat(dispatcher.reserve()).isEqualTo(EventDispatcher.NO_SLOT);
        dispatcher.publish(EventDispatcher.NO_SLOT, List.of(event(7)));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private EventDispatcher dispatcher(Duration timeout, ChatEventListener... listeners) {
        EventDispatcher dispatcher = new EventDispatcher(List.of(listeners), timeout);
        opened.add(dispatcher);
        return dispatcher;
    }

    /** An event that carries {@code n}, as the epoch second of its deletion. */
    private static ChatEvent event(long n) {
        return new ChatEvent.ConversationDeleted(new ConversationId(UUID.randomUUID()), Instant.ofEpochSecond(n), ACTOR);
    }

    private static long numberOf(ChatEvent event) {
        return ((ChatEvent.ConversationDeleted) event).deletedAt().getEpochSecond();
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
}
