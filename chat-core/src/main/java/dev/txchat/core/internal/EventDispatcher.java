package dev.txchat.core.internal;

import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final List<ChatEventListener> listeners;
    private final long timeoutNanos;
    private final ThreadPoolExecutor executor;

    private final Object order = new Object();
    // guarded by order: the next slot to hand out, the next slot to submit, and released slots waiting for earlier ones
    private long nextSlot;
    private long nextToSubmit;
    private final TreeMap<Long, Batch> released = new TreeMap<>();

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
        this.executor = listeners.isEmpty() ? null : new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
                    Thread thread = new Thread(runnable, "txchat-events-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        if (executor != null) {
            executor.allowCoreThreadTimeOut(true);
        }
    }

    /** A delivery slot; call as the last step inside the unit of work. */
    long reserve() {
        if (executor == null) {
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
        CompletableFuture<Void> delivered = release(slot, events);
        if (events.isEmpty()) {
            return;
        }
        try {
            delivered.get(timeoutNanos, TimeUnit.NANOSECONDS);
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
        synchronized (order) {
            released.put(slot, batch);
            while (!released.isEmpty() && released.firstKey() == nextToSubmit) {
                submit(released.remove(nextToSubmit++));
            }
        }
        return batch.delivered();
    }

    private void submit(Batch batch) {
        if (batch.events().isEmpty()) {
            batch.delivered().complete(null);
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    batch.events().forEach(this::deliver);
                } finally {
                    batch.delivered().complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            if (executor.isShutdown()) {
                LOG.warn("dropped {} chat event(s) committed after ChatService.close()", batch.events().size());
            } else {
                LOG.error("chat event queue is full ({} pending); dropped {} event(s); is a listener hung?",
                        QUEUE_CAPACITY, batch.events().size());
            }
            batch.delivered().complete(null);
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
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("chat event listeners did not finish within {} ms of close(); stopping delivery",
                        CLOSE_TIMEOUT.toMillis());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** How long {@link #close()} waits for queued events. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private record Batch(List<ChatEvent> events, CompletableFuture<Void> delivered) {
    }
}
