package dev.txchat.core.internal;

import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
 * <p>Why the hand-off is built by hand rather than on an executor and a future: with fast
 * listeners a call's cost is not the listeners but the thread wake-ups. On an executor and a
 * future there are two per call, the delivery thread's and then the caller's, and on a busy
 * machine the second one puts the caller behind every other runnable thread. Here a caller
 * spins for its delivery for at most {@link #CALLER_SPIN_NANOS} before it parks, and the
 * delivery thread unparks only a caller that parked, so with fast listeners the caller
 * keeps its CPU and one wake-up remains. Only the caller spins, and only that long: a
 * delivery thread that spun between calls took CPU from the callers on a 2-core machine
 * and made calls slower, not faster (measured, and an earlier attempt found the same).
 * Batches go through a fixed ring (one producer at a time: the submitter holds the order
 * lock), so a batch allocates only itself. Every wait stays bounded: a hung listener costs a
 * caller at most {@code timeout}, as before.
 *
 * <p>A call that gives up waiting logs a warning, at most one per
 * {@link #TIMEOUT_WARNING_INTERVAL} per service: a listener that is slow for every event
 * would otherwise log once per chat call. The next warning after a quiet interval counts
 * the ones suppressed since the previous warning.
 */
final class EventDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    static final int QUEUE_CAPACITY = 10_000;
    static final long NO_SLOT = -1;
    /** At most one "listeners took longer than" warning per this interval and service. */
    static final Duration TIMEOUT_WARNING_INTERVAL = Duration.ofMinutes(1);
    /**
     * How long a caller spins for its delivery before parking: a fast listener is done within
     * it, so neither side pays a park and an unpark for the caller.
     */
    static final long CALLER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** An idle delivery thread ends after this; the next batch starts another. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int NONE = 2;

    private final List<ChatEventListener> listeners;
    private final long timeoutNanos;

    private final Object order = new Object();
    // guarded by order: the next slot to hand out and the next slot to submit
    private long nextSlot;
    private long nextToSubmit;
    // guarded by order: released slots waiting for earlier ones
    private final TreeMap<Long, Batch> released = new TreeMap<>();
    // guarded by order once set; read by the delivery thread
    private volatile boolean closed;

    /** The delivery thread's state: RUNNING, PARKED (about to park or parked) or NONE (none alive). */
    private final AtomicInteger state = new AtomicInteger(NONE);
    private volatile Thread deliveryThread;
    /** Set when close() gave up waiting: what is still queued is dropped, not delivered. */
    private volatile boolean stopped;

    // single-producer (the submitter holds order), single-consumer (the one live delivery thread) ring
    private final Batch[] ring;
    private volatile long head;
    private volatile long tail;

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
        this.ring = listeners.isEmpty() ? null : new Batch[QUEUE_CAPACITY];
    }

    /** A delivery slot; call as the last step inside the unit of work. */
    long reserve() {
        if (ring == null) {
            return NO_SLOT;
        }
        synchronized (order) {
            return nextSlot++;
        }
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
        Batch batch = release(slot, events);
        if (events.isEmpty() || batch.done) {
            return;
        }
        long start = System.nanoTime();
        long spin = Math.min(CALLER_SPIN_NANOS, timeoutNanos);
        while (!batch.done && System.nanoTime() - start < spin) {
            Thread.onSpinWait();
        }
        if (batch.done) {
            return;
        }
        batch.waiter = Thread.currentThread();
        while (!batch.done) {
            long remaining = timeoutNanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                warnListenersSlow();
                return;
            }
            LockSupport.parkNanos(batch, remaining);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
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

    private Batch release(long slot, List<ChatEvent> events) {
        Batch batch = new Batch(events);
        synchronized (order) {
            if (slot == nextToSubmit) {
                // the usual case, in order: no detour through the map
                nextToSubmit++;
                submit(batch);
            } else {
                released.put(slot, batch);
            }
            while (!released.isEmpty() && released.firstKey() == nextToSubmit) {
                submit(released.remove(nextToSubmit++));
            }
        }
        return batch;
    }

    /** Called holding order, so there is one producer at a time. */
    private void submit(Batch batch) {
        if (batch.events.isEmpty()) {
            batch.complete();
            return;
        }
        if (closed) {
            LOG.warn("dropped {} chat event(s) committed after ChatService.close()", batch.events.size());
            batch.complete();
            return;
        }
        long t = tail;
        if (t - head == ring.length) {
            LOG.error("chat event queue is full ({} pending); dropped {} event(s); is a listener hung?",
                    QUEUE_CAPACITY, batch.events.size());
            batch.complete();
            return;
        }
        ring[(int) (t % ring.length)] = batch;
        tail = t + 1;
        wakeDeliveryThread();
    }

    /** Unparks the delivery thread if it parked, starts one if none is alive; called holding order. */
    private void wakeDeliveryThread() {
        for (;;) {
            int s = state.get();
            if (s == RUNNING) {
                return;
            }
            if (s == PARKED && state.compareAndSet(PARKED, RUNNING)) {
                LockSupport.unpark(deliveryThread);
                return;
            }
            if (s == NONE && state.compareAndSet(NONE, RUNNING)) {
                Thread thread = new Thread(this::deliverLoop, "txchat-events-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                deliveryThread = thread;
                thread.start();
                return;
            }
        }
    }

    private Batch poll() {
        long h = head;
        if (h == tail) {
            return null;
        }
        int index = (int) (h % ring.length);
        Batch batch = ring[index];
        ring[index] = null;
        head = h + 1;
        return batch;
    }

    private void deliverLoop() {
        long idleSince = System.nanoTime();
        for (;;) {
            Batch batch = poll();
            if (batch != null) {
                deliverBatch(batch);
                idleSince = System.nanoTime();
                continue;
            }
            if (closed) {
                state.set(NONE);
                return;
            }
            state.set(PARKED);
            // a producer that queued before seeing PARKED did not wake us: look again
            if (head != tail || closed) {
                state.compareAndSet(PARKED, RUNNING);
                continue;
            }
            // a listener may have left this thread interrupted; park would then return at once
            Thread.interrupted();
            long idle = IDLE_NANOS - (System.nanoTime() - idleSince);
            if (idle <= 0) {
                if (state.compareAndSet(PARKED, NONE)) {
                    return; // the next batch starts a new thread
                }
                continue; // a producer woke us meanwhile
            }
            LockSupport.parkNanos(this, idle);
            state.compareAndSet(PARKED, RUNNING);
        }
    }

    private void deliverBatch(Batch batch) {
        try {
            if (!stopped) {
                batch.events.forEach(this::deliver);
            }
        } catch (VirtualMachineError e) {
            // the rest of this batch is skipped; later batches are still delivered
            LOG.error("chat event delivery failed", e);
        } finally {
            batch.complete();
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
        if (ring == null) {
            return;
        }
        synchronized (order) {
            closed = true;
            if (state.get() == PARKED && state.compareAndSet(PARKED, RUNNING)) {
                LockSupport.unpark(deliveryThread);
            }
        }
        Thread thread = deliveryThread;
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
            if (thread.isAlive()) {
                LOG.warn("chat event listeners did not finish within {} ms of close(); stopping delivery",
                        CLOSE_TIMEOUT.toMillis());
                stopped = true;
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            stopped = true;
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    /** How long {@link #close()} waits for queued events. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** One unit of work's events, and whether they have been handled (or dropped). */
    private static final class Batch {
        final List<ChatEvent> events;
        volatile boolean done;
        /** The caller, once it parks waiting for {@link #done}. */
        volatile Thread waiter;

        Batch(List<ChatEvent> events) {
            this.events = events;
        }

        void complete() {
            done = true;
            Thread parked = waiter;
            if (parked != null) {
                LockSupport.unpark(parked);
            }
        }
    }
}
