package dev.txchat.spring.web.stream;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatFeed;
import dev.txchat.core.FeedBatch;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedPosition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One per application: a single reader thread polls {@link ChatFeed#read} and fans the
 * entries out to the connected {@link SseEmitter}s whose actor the entry's audience admits.
 *
 * <p><b>Why a plain reader and not a feed subscription.</b> A subscription keeps a durable
 * checkpoint row per name; a per-node name would leave a row behind for every node that ever
 * ran (and every restart with a fresh name), and such a row holds back feed pruning for
 * ever. A stream needs no durable checkpoint: the client keeps it ({@code Last-Event-ID}).
 * So the poller reads from the head, without writing anything but the sequencing every
 * {@code read} does.
 *
 * <p><b>Never blocks on a client.</b> The poller only puts entries into each connection's
 * bounded queue; a writer pool drains each queue, one task at a time per connection. A
 * connection whose queue is full is completed and removed (the client reconnects with its
 * {@code Last-Event-ID} and is replayed what it missed).
 *
 * <p><b>No gap, no duplicate on resume.</b> A connection is registered, under the fan-out
 * lock, with the poller's current position {@code P0}: every entry after {@code P0} reaches
 * its queue. Its writer first replays the feed from the client's {@code Last-Event-ID} until
 * it reaches at least {@code P0}, then writes the queue, skipping every entry at or before
 * the last position the replay read.
 *
 * <p>Thread-safety: thread-safe; {@link #register} is called by request threads.
 */
public final class ChatFeedBroadcaster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatFeedBroadcaster.class);
    private static final int BATCH = 500;
    private static final Object HEARTBEAT = new Object();

    private final ChatFeed feed;
    private final StreamSettings settings;
    private final Object lock = new Object();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers = Executors.newCachedThreadPool(threads("txchat-stream-writer-"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            threads("txchat-stream-heartbeat-"));
    private final Thread poller;
    private volatile boolean running = true;
    /** Guarded by {@link #lock}: the last position the poller fanned out; null until it reached the head. */
    private FeedPosition head;

    /**
     * Starts the poller and the heartbeat.
     *
     * @param feed     the feed to read
     * @param settings the stream settings
     */
    public ChatFeedBroadcaster(ChatFeed feed, StreamSettings settings) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.poller = threads("txchat-stream-poller-").newThread(this::poll);
        poller.start();
        long beat = settings.heartbeat().toMillis();
        heartbeats.scheduleWithFixedDelay(() -> connections.forEach(c -> c.offer(HEARTBEAT)), beat, beat,
                TimeUnit.MILLISECONDS);
    }

    /** Connections currently open (for tests and metrics). */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Connects {@code emitter} for {@code actor}: it receives the admitted entries after
     * {@code lastEventId} (replayed from the feed) or, when null, from now on.
     *
     * @return false when the poller has not reached the head of the feed within the startup timeout
     */
    boolean register(Actor actor, FeedPosition lastEventId, SseEmitter emitter) throws InterruptedException {
        Connection connection;
        synchronized (lock) {
            long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
            while (head == null && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            if (!running) {
                return false;
            }
            connection = new Connection(actor, emitter, lastEventId, head);
            connections.add(connection);
        }
        emitter.onCompletion(connection::closed);
        emitter.onTimeout(connection::close);
        emitter.onError(e -> connection.close());
        connection.schedule();
        return true;
    }

    // ---- the poller ---------------------------------------------------------------------------

    private void poll() {
        FeedPosition position = FeedPosition.START;
        boolean live = false;
        while (running) {
            try {
                FeedBatch batch = feed.read(position, live ? BATCH : ChatFeed.MAX_BATCH);
                synchronized (lock) {
                    if (live) {
                        for (FeedEntry entry : batch.entries()) {
                            for (Connection connection : connections) {
                                connection.offer(entry);
                            }
                        }
                    } else if (batch.entries().size() < ChatFeed.MAX_BATCH) {
                        live = true;
                        lock.notifyAll();
                    }
                    if (live) {
                        head = batch.next();
                    }
                }
                position = batch.next();
                if (live && batch.entries().size() < BATCH) {
                    LockSupport.parkNanos(settings.pollInterval().toNanos());
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("txchat: reading the change feed for the event stream failed; retrying", e);
                    LockSupport.parkNanos(Math.max(settings.pollInterval().toNanos(), TimeUnit.SECONDS.toNanos(1)));
                }
            }
        }
    }

    /** Stops the poller and the heartbeat and completes every connection. */
    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
        LockSupport.unpark(poller);
        try {
            poller.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
        for (Connection connection : new ArrayList<>(connections)) {
            connection.close();
        }
        writers.shutdown();
        try {
            if (!writers.awaitTermination(5, TimeUnit.SECONDS)) {
                writers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writers.shutdownNow();
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    // ---- one connection -------------------------------------------------------------------------

    private final class Connection {
        private final Actor actor;
        private final SseEmitter emitter;
        private final ArrayBlockingQueue<Object> queue;
        private final FeedPosition liveFrom;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        /** Writer only: where the replay starts, null once done or when there is none. */
        private FeedPosition replayFrom;
        /** Writer only: entries at or before it were already written (or replayed past). */
        private FeedPosition cursor;
        private boolean greeted;

        Connection(Actor actor, SseEmitter emitter, FeedPosition lastEventId, FeedPosition liveFrom) {
            this.actor = actor;
            this.emitter = emitter;
            this.queue = new ArrayBlockingQueue<>(settings.bufferSize());
            this.liveFrom = liveFrom;
            if (lastEventId == null) {
                cursor = liveFrom;
            } else if (lastEventId.compareTo(liveFrom) >= 0) {
                cursor = lastEventId;
            } else {
                replayFrom = lastEventId;
                cursor = lastEventId;
            }
        }

        /** Called by the poller (under the lock) and the heartbeat: never blocks. */
        void offer(Object item) {
            if (closed.get()) {
                return;
            }
            if (item instanceof FeedEntry entry && !entry.audience().admits(actor)) {
                return;
            }
            if (!queue.offer(item)) {
                LOG.debug("txchat: an event-stream client fell {} events behind; dropping it", queue.size());
                close();
                return;
            }
            schedule();
        }

        void schedule() {
            if (!closed.get() && scheduled.compareAndSet(false, true)) {
                try {
                    writers.execute(this::drain);
                } catch (RuntimeException rejected) {
                    scheduled.set(false);
                    closed();
                }
            }
        }

        private void drain() {
            try {
                if (!greeted) {
                    greeted = true;
                    emitter.send(SseEmitter.event().comment("txchat stream"));
                }
                if (replayFrom != null) {
                    replay();
                }
                Object item;
                while (!closed.get() && (item = queue.poll()) != null) {
                    if (item == HEARTBEAT) {
                        emitter.send(SseEmitter.event().comment("heartbeat"));
                    } else {
                        FeedEntry entry = (FeedEntry) item;
                        if (entry.position().compareTo(cursor) > 0) {
                            send(entry);
                            cursor = entry.position();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("txchat: an event-stream connection ended", e);
                close();
            } finally {
                scheduled.set(false);
            }
            if (!queue.isEmpty()) {
                schedule();
            }
        }

        private void replay() throws IOException {
            FeedPosition position = replayFrom;
            while (!closed.get() && position.compareTo(liveFrom) < 0) {
                FeedBatch batch = feed.read(position, BATCH);
                for (FeedEntry entry : batch.entries()) {
                    if (entry.audience().admits(actor)) {
                        send(entry);
                    }
                }
                if (batch.entries().isEmpty()) {
                    break;
                }
                position = batch.next();
            }
            replayFrom = null;
            if (position.compareTo(cursor) > 0) {
                cursor = position;
            }
        }

        private void send(FeedEntry entry) throws IOException {
            emitter.send(SseEmitter.event()
                    .id(entry.position().toString())
                    .name(entry.event().getClass().getSimpleName())
                    .data(StreamJson.forViewer(entry, actor), MediaType.TEXT_PLAIN));
        }

        /** Ends the connection from the server side. */
        void close() {
            if (closed.compareAndSet(false, true)) {
                connections.remove(this);
                queue.clear();
                try {
                    writers.execute(this::complete);
                } catch (RuntimeException rejected) {
                    complete();
                }
            }
        }

        private void complete() {
            try {
                emitter.complete();
            } catch (RuntimeException ignored) {
                // already completed
            }
        }

        /** The emitter completed (client gone, timeout, server close). */
        void closed() {
            closed.set(true);
            connections.remove(this);
            queue.clear();
        }
    }
}
