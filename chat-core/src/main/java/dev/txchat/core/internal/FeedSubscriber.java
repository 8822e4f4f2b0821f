package dev.txchat.core.internal;

import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedHandler;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.FeedSubscription;
import dev.txchat.core.spi.ChatStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running subscription: a daemon thread that holds the subscription's lease, reads
 * the feed after the checkpoint, hands each entry to the handler and moves the checkpoint
 * past it, and a second thread that renews the lease while it is held, so a slow handler
 * keeps it. Another node with the same name waits until the lease is given up
 * ({@link #close()}) or runs out (this node died or lost the database), then continues
 * from the checkpoint: at-least-once delivery, never two nodes at once.
 *
 * <p>A handler that throws is retried with the same entry after a back-off that doubles
 * from 100 ms up to the configured maximum; the checkpoint never passes it. Waits end early
 * when the store reports an append (PostgreSQL {@code NOTIFY}) or this node commits one.
 */
final class FeedSubscriber implements FeedSubscription, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(FeedSubscriber.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final int BATCH = 100;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final DefaultChatFeed feed;
    private final ChatStore store;
    private final Clock clock;
    private final FeedOptions settings;
    private final String name;
    private final FeedHandler handler;
    private final Consumer<FeedSubscriber> onStop;
    private final String owner = UUID.randomUUID().toString();
    private final Thread thread;
    private final ScheduledExecutorService renewer;
    private final Object signal = new Object();

    private volatile boolean closed;
    private volatile boolean holding;
    private volatile FeedPosition position = FeedPosition.START;
    private boolean woken; // guarded by signal
    private AutoCloseable wakeUps;

    FeedSubscriber(DefaultChatFeed feed, ChatStore store, Clock clock, FeedOptions settings,
                   String name, FeedHandler handler, Consumer<FeedSubscriber> onStop) {
        this.feed = feed;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.name = name;
        this.handler = handler;
        this.onStop = onStop;
        int number = THREADS.incrementAndGet();
        this.thread = new Thread(this, "txchat-feed-" + name + "-" + number);
        this.thread.setDaemon(true);
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "txchat-feed-lease-" + name + "-" + number);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        // fix where a new subscription starts before returning: at what is committed now
        feed.sequence();
        Instant now = clock.instant();
        store.inOwnTransaction(tx -> tx.leaseSubscription(name, owner, now, now));
        wakeUps = store.onFeedAppended(this::wakeUp);
        long every = Math.max(1, settings.lease().toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        thread.start();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FeedPosition position() {
        return position;
    }

    /** Ends the current wait: something was appended. */
    void wakeUp() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    @Override
    public void run() {
        try {
            while (!closed) {
                try {
                    long checkpoint = lease();
                    if (checkpoint < 0) {
                        await(settings.pollInterval());
                        continue;
                    }
                    FeedPosition from = FeedPosition.of(checkpoint);
                    dev.txchat.core.FeedBatch read = feed.read(from, BATCH);
                    List<FeedEntry> batch = read.entries();
                    if (batch.isEmpty()) {
                        if (read.next().compareTo(from) > 0 && advance(read.next())) {
                            position = read.next(); // only entries this version cannot read: passed
                            continue;
                        }
                        await(settings.pollInterval());
                        continue;
                    }
                    boolean all = true;
                    for (FeedEntry entry : batch) {
                        if (!deliver(entry) || !advance(entry.position())) {
                            all = false;
                            break;
                        }
                        position = entry.position();
                    }
                    if (all && read.next().compareTo(position) > 0 && advance(read.next())) {
                        position = read.next();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("chat feed subscription {} failed to read or checkpoint; retrying", name, e);
                    await(settings.pollInterval());
                }
            }
        } finally {
            release();
        }
    }

    /** Hands one entry to the handler until it succeeds; false if closed or the lease was lost meanwhile. */
    private boolean deliver(FeedEntry entry) {
        Duration backoff = FIRST_BACKOFF;
        while (!closed && holding) {
            try {
                handler.handle(entry);
                return true;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.warn("chat feed subscription {}: handler failed on {} at {}; retrying in {} ms", name,
                        entry.event().getClass().getSimpleName(), entry.position(), backoff.toMillis(), e);
                await(backoff);
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
                        ? settings.maxBackoff() : backoff.multipliedBy(2);
            }
        }
        return false;
    }

    private long lease() {
        Instant now = clock.instant();
        long checkpoint = store.inOwnTransaction(tx -> tx.leaseSubscription(name, owner, now, now.plus(settings.lease())));
        holding = checkpoint >= 0;
        return checkpoint;
    }

    private boolean advance(FeedPosition to) {
        Instant now = clock.instant();
        boolean kept = store.inOwnTransaction(tx -> tx.advanceSubscription(name, owner, to.value(),
                now.plus(settings.lease())));
        holding = kept;
        return kept;
    }

    /** Keeps the lease while this node holds it, so a slow handler does not lose it. */
    private void renew() {
        if (!holding || closed) {
            return;
        }
        try {
            lease();
        } catch (RuntimeException e) {
            LOG.warn("chat feed subscription {} could not renew its lease", name, e);
        }
    }

    private void release() {
        holding = false;
        try {
            store.inOwnTransaction(tx -> {
                tx.releaseSubscription(name, owner);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("chat feed subscription {} could not give its lease up; it ends by itself", name, e);
        }
    }

    private void await(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (signal) {
            while (!woken && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
            woken = false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeUp();
        try {
            if (wakeUps != null) {
                wakeUps.close();
            }
        } catch (Exception e) {
            LOG.debug("closing the feed wake-up registration of {} failed", name, e);
        }
        renewer.shutdownNow();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        onStop.accept(this);
    }
}
