package dev.txchat.core.internal;

import dev.txchat.core.ChatFeed;
import dev.txchat.core.ConflictException;
import dev.txchat.core.FeedBatch;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedHandler;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.FeedSubscription;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.FeedRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link ChatFeed} over a {@link ChatStore}. Reading first lets the store sequence what was
 * committed since (see {@code ChatStoreTransaction.sequenceFeed}), then reads by position;
 * so positions are handed out in one order, by one sequencer at a time, only to committed
 * entries, and a reader that has passed a position never sees an entry appear before it.
 * Thread-safe.
 */
final class DefaultChatFeed implements ChatFeed {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Most entries one sequencing pass gives positions to. */
    static final int SEQUENCE_BATCH = 1000;
    /** Most entries one pruning pass removes. */
    static final int PRUNE_BATCH = 1000;

    private final ChatStore store;
    private final Clock clock;
    private final FeedOptions settings;
    private final Set<FeedSubscriber> running = ConcurrentHashMap.newKeySet();
    private volatile Instant lastPrune = Instant.MIN;
    private volatile boolean closed;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultChatFeed.class);

    DefaultChatFeed(ChatStore store, Clock clock, FeedOptions settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public FeedBatch read(FeedPosition after, int max) {
        ensureOpen();
        Checks.notNull(after, "after");
        if (max < 1 || max > MAX_BATCH) {
            throw ValidationException.of("max", "must be between 1 and " + MAX_BATCH);
        }
        pruneNowAndThen();
        sequence();
        List<FeedRecord> records = store.inOwnTransaction(tx -> tx.readFeed(after.value(), max));
        if (!records.isEmpty() && after.value() > 0 && records.get(0).position() > after.value() + 1) {
            // positions are given without gaps: a hole right after `after` was pruned
            throw new ConflictException("after", "the entries right after " + after + " were pruned (retention);"
                    + " read from FeedPosition.START, or re-sync the reader another way");
        }
        List<FeedEntry> entries = new ArrayList<>(records.size());
        for (FeedRecord r : records) {
            ChatEvent event;
            try {
                event = FeedCodec.decode(r.type(), r.payload());
            } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
                // written by a newer txchat (a rolling upgrade): skipped here, never a stuck feed
                LOG.warn("chat feed entry {} of type {} cannot be read by this version; skipped", r.position(),
                        r.type());
                continue;
            }
            entries.add(new FeedEntry(FeedPosition.of(r.position()), event,
                    FeedCodec.decodeAudience(r.audience()), r.committedAt()));
        }
        FeedPosition next = records.isEmpty() ? after : FeedPosition.of(records.get(records.size() - 1).position());
        return new FeedBatch(entries, next);
    }

    @Override
    public FeedSubscription subscribe(String name, FeedHandler handler) {
        ensureOpen();
        if (name == null || !NAME.matcher(name).matches()) {
            throw ValidationException.of("name", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        Checks.notNull(handler, "handler");
        FeedSubscriber subscriber = new FeedSubscriber(this, store, clock, settings, name, handler, running::remove);
        running.add(subscriber);
        subscriber.start();
        return subscriber;
    }

    /** Gives positions to what was committed since the last pass. */
    void sequence() {
        int done;
        do {
            done = store.inOwnTransaction(tx -> tx.sequenceFeed(SEQUENCE_BATCH));
        } while (done == SEQUENCE_BATCH);
    }

    /** At most once per prune interval per service: removes expired entries every subscription has passed. */
    void pruneNowAndThen() {
        Instant now = clock.instant();
        if (now.isBefore(lastPrune.plus(settings.pruneInterval()))) {
            return;
        }
        lastPrune = now;
        Instant cutoff = now.minus(settings.retention());
        store.inOwnTransaction(tx -> tx.pruneFeed(cutoff, PRUNE_BATCH));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ChatService is closed");
        }
    }

    /** Stops every subscription this feed started; later reads and subscriptions are refused. */
    void close() {
        closed = true;
        for (FeedSubscriber subscriber : List.copyOf(running)) {
            subscriber.close();
        }
    }

    /** Wakes this node's subscriptions: a unit of work here just appended to the feed. */
    void wakeLocalSubscribers() {
        for (FeedSubscriber subscriber : running) {
            subscriber.wakeUp();
        }
    }
}
