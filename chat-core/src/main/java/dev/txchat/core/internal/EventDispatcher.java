package dev.txchat.core.internal;

import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers committed events to the listeners, in commit order, on one daemon thread per
 * service, and lets the calling thread wait for that delivery at most {@code timeout}.
 *
 * <p>Why not call listeners on the caller's thread: a slow or hung listener would then
 * block every chat call. Why wait at all: a fast listener has then seen the event when
 * the call returns, which is what hosts and tests expect. A listener that throws is
 * logged and skipped; a full queue (a listener hung for a long time) drops events with an
 * error log rather than growing without bound.
 */
final class EventDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    static final int QUEUE_CAPACITY = 10_000;

    private final List<ChatEventListener> listeners;
    private final long timeoutNanos;
    private final ThreadPoolExecutor executor;

    EventDispatcher(List<ChatEventListener> listeners, Duration timeout) {
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

    void publish(List<ChatEvent> events) {
        if (executor == null || events.isEmpty()) {
            return;
        }
        Future<?> delivery;
        try {
            delivery = executor.submit(() -> events.forEach(this::deliver));
        } catch (RejectedExecutionException e) {
            LOG.error("chat event queue is full ({} pending); dropped {} event(s); is a listener hung?",
                    QUEUE_CAPACITY, events.size());
            return;
        }
        try {
            delivery.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("chat event listeners took longer than {} ms; the call returns, delivery goes on",
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("chat event delivery failed", e.getCause());
        }
    }

    private void deliver(ChatEvent event) {
        for (ChatEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("chat event listener {} failed on {}; the call itself succeeded", listener,
                        event.getClass().getSimpleName(), e);
            }
        }
    }
}
