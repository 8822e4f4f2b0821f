package dev.txchat.jdbi.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the subscriptions of every node ({@code LISTEN}ing through
 * {@link PostgresFeedListener}) after this node committed feed entries, by a
 * {@code NOTIFY} sent on its own connection, after the commit, at most one at a time.
 *
 * <p>Why not {@code NOTIFY} inside the writing transaction (a trigger, as V003 did): PostgreSQL
 * serializes the commits of all transactions that notified, each holding a database-wide lock
 * through its commit flush, which halved the throughput of 8 writers on unrelated
 * conversations (measured: 951 against 2,143 posts/s). Here writers never wait: a signal
 * only sets a flag; one background thread sends a {@code NOTIFY} that follows every signal
 * given before it started. A burst of commits costs one notification. A lost notification
 * (the connection failed) costs a subscription at most its poll interval.
 *
 * <p>Thread-safe. The thread ends after 30 s without signals; the next signal starts another.
 */
public final class PostgresFeedNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresFeedNotifier.class);

    private final Jdbi jdbi;
    private final String channel;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ThreadPoolExecutor sender;

    public PostgresFeedNotifier(Jdbi jdbi, String channel) {
        this.jdbi = jdbi;
        this.channel = channel;
        this.sender = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "txchat-feed-notify");
            thread.setDaemon(true);
            return thread;
        });
        sender.allowCoreThreadTimeOut(true);
    }

    /** Feed entries of this node committed: every node will be notified after now. */
    public void signal() {
        if (pending.compareAndSet(false, true)) {
            sender.execute(this::send);
        }
    }

    private void send() {
        // cleared before sending: a commit signalled from here on is followed by this NOTIFY or the next
        pending.set(false);
        try (Handle h = jdbi.open()) {
            Handles.query(h, "SELECT pg_notify(:channel, '')").bind("channel", channel).mapToMap().one();
        } catch (RuntimeException e) {
            LOG.debug("txchat: could not notify the change feed's listeners ({}); they poll instead", e.toString());
        }
    }
}
