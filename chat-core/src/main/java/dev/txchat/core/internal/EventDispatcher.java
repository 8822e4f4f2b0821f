package dev.txchat.core.internal;

import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed events to the listeners, in commit order, on one daemon thread per
 * service, and lets the calling thread wait for that delivery at most {@code timeout}.
 *
 * <p>Why not call listeners on the caller's thread: a slow or hung listener would then
 * block every chat call. Why wait at all: a fast listener has then seen the event when
 * the call returns, which is what hosts and tests expect.
 *
 * <p>Commit order: each unit of work {@linkplain #reserve() reserves} a slot as its last
 * step inside the store transaction, while it still holds its row locks, so two units of
 * work that touch the same rows reserve in the order they commit. Batches are handed to the
 * delivery thread strictly in slot order; a unit of work that fails or is retried
 * {@linkplain #cancel gives its slot up}. A listener that throws is logged and skipped; a
 * full queue (a listener hung for a long time) drops events with an error log rather than
 * growing without bound.
 *
 * <p>The hand-off is what a call with fast listeners pays for them, so it avoids parking
 * where it can: the two thread wake-ups of a plain queue (the delivery thread's, then the
 * caller's) cost more than a no-op listener by far, and halved throughput on an in-memory
 * database. A {@linkplain #reserve() reserved} slot wakes the delivery thread already,
 * while the unit of work still commits, and the thread then waits for the batch
 * {@linkplain #DELIVERER_SPIN yielding} rather than parked; the caller likewise waits for
 * its delivery {@linkplain #CALLER_SPIN yielding} before it parks for the rest of the
 * timeout. Both spins are short and yield the processor, so a hung listener or a slow
 * commit costs a parked thread, as before, and never a busy one. (The listeners never run
 * on the caller's thread: nothing could then bound the call when one hangs.)
 *
 * <p>A call that gives up waiting logs a warning, at most one per
 * {@link #TIMEOUT_WARNING_INTERVAL} per service: a listener that is slow for every event
 * would otherwise log once per chat call. The next warning after a quiet interval counts
 * the ones suppressed since the previous warning.
 */
final class EventDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Batches waiting for the delivery thread at most; more are dropped with an error log. */
    static final int QUEUE_CAPACITY = 10_000;
    static final long NO_SLOT = -1;
    /** At most one "listeners took longer than" warning per this interval and service. */
    static final Duration TIMEOUT_WARNING_INTERVAL = Duration.ofMinutes(1);
    /** How long {@link #close()} waits for queued events. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** How long the delivery thread stays without work before it ends; the next event starts another. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a caller waits for its delivery yielding before it parks: long enough for a
     * woken delivery thread and a fast listener, short against a database round trip.
     */
    static final long CALLER_SPIN = TimeUnit.MICROSECONDS.toNanos(50);
    /** How long the delivery thread waits yielding for a reserved slot's batch before it parks. */
    static final long DELIVERER_SPIN = TimeUnit.MICROSECONDS.toNanos(100);

    private final List<ChatEventListener> listeners;
    private final long timeoutNanos;

    private final Object order = new Object();
    // guarded by order: the next slot to hand out, the next slot to hand over, released slots
    // waiting for earlier ones, the batches handed over in slot order, whether close() began
    // or gave up, and the delivery thread (null when none runs)
    private long nextSlot;
    private long nextToSubmit;
    private final TreeMap<Long, Batch> released = new TreeMap<>();
    private final ArrayDeque<Batch> ready = new ArrayDeque<>();
    private boolean closed;
    private boolean stopped;
    private Thread deliverer;

    /** Read without the lock: slots reserved and not yet handed over (a batch is on its way). */
    private volatile long awaited;
    /** The delivery thread while it is parked, so that only then a producer pays for unpark. */
    private volatile Thread parked;

    private final LongSupplier nanoTime;
    private final Object timeoutWarnings = new Object();
    // guarded by timeoutWarnings: whether and when (nanoTime) the last timeout warning was logged,
    // and how many were suppressed since
    private boolean timeoutWarned;
    private long lastTimeoutWarning;
    private long suppressedTimeoutWarnings;

    EventDispatcher(List<ChatEventListener> listeners, Duration timeout) {
        this(listeners, timeout, System::nanoTime);
    }

    /** @param nanoTime the clock that throttles the timeout warning; tests pass a fake one */
    EventDispatcher(List<ChatEventListener> listeners, Duration timeout, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.listeners = List.copyOf(listeners);
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * A delivery slot; call as the last step inside the unit of work. Wakes the delivery
     * thread already, so that it is running when the batch comes after the commit.
     */
    long reserve() {
        if (listeners.isEmpty()) {
            return NO_SLOT;
        }
        long slot;
        synchronized (order) {
            slot = nextSlot++;
            awaited = nextSlot - nextToSubmit;
            if (!closed) {
                startDelivererIfNone();
            }
        }
        wakeDeliverer();
        return slot;
    }

    /** Gives a reserved slot up (the unit of work failed or is being retried). */
    void cancel(long slot) {
        if (slot != NO_SLOT) {
            release(slot, List.of());
        }
    }

    /** Delivers the events of a committed unit of work in its slot and waits at most the timeout. */
    void publish(long slot, List<ChatEvent> events) {
        if (slot == NO_SLOT) {
            return;
        }
        CompletableFuture<Void> delivered = release(slot, events);
        if (events.isEmpty()) {
            return;
        }
        try {
            long start = System.nanoTime();
            long spin = Math.min(CALLER_SPIN, timeoutNanos);
            while (!delivered.isDone() && System.nanoTime() - start < spin) {
                Thread.yield();
            }
            if (!delivered.isDone()) {
                delivered.get(timeoutNanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            warnListenersSlow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("chat event delivery failed", e.getCause());
        }
    }

    /**
     * Logs that the listeners outran the timeout, unless it was logged less than
     * {@link #TIMEOUT_WARNING_INTERVAL} ago; then only counts the warning, and the next one
     * logged says how many were suppressed.
     */
    private void warnListenersSlow() {
        long now = nanoTime.getAsLong();
        long suppressed;
        synchronized (timeoutWarnings) {
            if (timeoutWarned && now - lastTimeoutWarning < TIMEOUT_WARNING_INTERVAL.toNanos()) {
                suppressedTimeoutWarnings++;
                return;
            }
            timeoutWarned = true;
            lastTimeoutWarning = now;
            suppressed = suppressedTimeoutWarnings;
            suppressedTimeoutWarnings = 0;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        if (suppressed == 0) {
            LOG.warn("chat event listeners took longer than {} ms; the call returns, delivery goes on", millis);
        } else {
            LOG.warn("chat event listeners took longer than {} ms; the call returns, delivery goes on"
                    + " ({} more such warning(s) suppressed since the last one)", millis, suppressed);
        }
    }

    private CompletableFuture<Void> release(long slot, List<ChatEvent> events) {
        Batch batch = new Batch(events, new CompletableFuture<>());
        boolean handedOver = false;
        synchronized (order) {
            released.put(slot, batch);
            while (!released.isEmpty() && released.firstKey() == nextToSubmit) {
                handedOver |= handOver(released.remove(nextToSubmit++));
            }
            awaited = nextSlot - nextToSubmit;
        }
        if (handedOver) {
            wakeDeliverer();
        }
        return batch.delivered();
    }

    /** Queues a batch whose turn came for the delivery thread; true if it was queued. Holds order. */
    private boolean handOver(Batch batch) {
        if (batch.events().isEmpty()) {
            batch.delivered().complete(null);
            return false;
        }
        if (closed) {
            LOG.warn("dropped {} chat event(s) committed after ChatService.close()", batch.events().size());
            batch.delivered().complete(null);
            return false;
        }
        if (ready.size() >= QUEUE_CAPACITY) {
            LOG.error("chat event queue is full ({} pending); dropped {} event(s); is a listener hung?",
                    QUEUE_CAPACITY, batch.events().size());
            batch.delivered().complete(null);
            return false;
        }
        ready.add(batch);
        startDelivererIfNone();
        return true;
    }

    /** Holds order. */
    private void startDelivererIfNone() {
        if (deliverer == null) {
            Thread thread = new Thread(this::deliverLoop, "txchat-events-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            deliverer = thread;
            thread.start();
        }
    }

    private void wakeDeliverer() {
        Thread sleeping = parked;
        if (sleeping != null) {
            LockSupport.unpark(sleeping);
        }
    }

    /**
     * The delivery thread: delivers the queued batches in order; with none queued, waits
     * yielding for a reserved slot's batch for at most {@link #DELIVERER_SPIN}, else parks
     * until woken; ends after {@link #IDLE_TIMEOUT} without work, when close() has
     * delivered everything, or when close() gave up waiting.
     */
    private void deliverLoop() {
        Thread self = Thread.currentThread();
        boolean replaceMe = true; // false once it ends as planned; a VirtualMachineError leaves it true
        try {
            long idleSince = System.nanoTime();
            long spinSince = idleSince;
            while (true) {
                Batch batch;
                synchronized (order) {
                    batch = stopped ? null : ready.poll();
                    if (batch == null && (stopped || closed
                            || (awaited == 0 && System.nanoTime() - idleSince >= IDLE_TIMEOUT.toNanos()))) {
                        deliverer = null;
                        replaceMe = false;
                        order.notifyAll();
                        return;
                    }
                }
                if (batch != null) {
                    try {
                        batch.events().forEach(this::deliver);
                    } finally {
                        batch.delivered().complete(null);
                    }
                    // like a pool worker between tasks: an interrupt a listener left behind ends nothing
                    Thread.interrupted();
                    idleSince = System.nanoTime();
                    spinSince = idleSince;
                    continue;
                }
                long now = System.nanoTime();
                if (awaited > 0 && now - spinSince < DELIVERER_SPIN) {
                    Thread.yield(); // a committed batch is on its way
                    continue;
                }
                parked = self;
                // checked again after announcing the park: a producer that queued before it saw no one parked
                boolean work;
                synchronized (order) {
                    work = !ready.isEmpty() || closed || stopped;
                }
                if (!work) {
                    // until woken, or until idle long enough to end (a slot reserved by a unit of work
                    // that never ends keeps it: then it parks for another idle timeout, never spins)
                    long idleLeft = IDLE_TIMEOUT.toNanos() - (now - idleSince);
                    LockSupport.parkNanos(this, idleLeft > 0 ? idleLeft : IDLE_TIMEOUT.toNanos());
                }
                parked = null;
                Thread.interrupted();
                spinSince = System.nanoTime();
            }
        } finally {
            if (replaceMe) {
                synchronized (order) {
                    deliverer = null;
                    if (!ready.isEmpty() && !closed) {
                        startDelivererIfNone();
                    }
                    order.notifyAll();
                }
            }
        }
    }

    private void deliver(ChatEvent event) {
        for (ChatEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // checked exceptions can arrive too (sneaky throws, other JVM languages); none may stop delivery
                LOG.warn("chat event listener {} failed on {}; the call itself succeeded", listener,
                        event.getClass().getSimpleName(), e);
            }
        }
    }

    /**
     * Stops taking events and waits, at most {@link #CLOSE_TIMEOUT}, for those already
     * queued to be delivered; then stops the delivery thread. Idempotent.
     */
    void close() {
        Thread running;
        synchronized (order) {
            if (closed) {
                return;
            }
            closed = true;
            running = deliverer;
            long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
            try {
                LockSupport.unpark(running);
                while (deliverer != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    order.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (deliverer == null) {
                return;
            }
            LOG.warn("chat event listeners did not finish within {} ms of close(); stopping delivery",
                    CLOSE_TIMEOUT.toMillis());
            stopped = true;
            for (Batch dropped : ready) {
                dropped.delivered().complete(null);
            }
            ready.clear();
        }
        running.interrupt();
    }

    private record Batch(List<ChatEvent> events, CompletableFuture<Void> delivered) {
    }
}
