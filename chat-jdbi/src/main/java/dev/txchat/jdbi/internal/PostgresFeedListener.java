package dev.txchat.jdbi.internal;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this node's feed subscriptions when any node appends to the change feed: one
 * daemon thread per store holds one connection that {@code LISTEN}s on the channel the V003
 * trigger notifies, and runs the registered wake-ups on every notification. Started by the
 * first registration, stopped with the last. Reaches the driver's {@code PGConnection}
 * through {@link Connection#unwrap} and reflection, so the PostgreSQL driver stays the
 * host's choice and is never needed on other databases. If the connection drops it
 * reconnects after a second; subscriptions keep polling meanwhile, so nothing is missed,
 * only later.
 */
public final class PostgresFeedListener {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresFeedListener.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int WAIT_MILLIS = 500;

    private final Jdbi jdbi;
    private final String channel;
    private final Set<Runnable> wakeUps = ConcurrentHashMap.newKeySet();
    private Thread thread; // guarded by this
    /** The running thread's stop flag; each thread has its own, so a quick re-register never revives an old one. */
    private java.util.concurrent.atomic.AtomicBoolean stop; // guarded by this

    public PostgresFeedListener(Jdbi jdbi, String channel) {
        this.jdbi = jdbi;
        this.channel = Sql.checkPrefix(channel);
    }

    /** Adds a wake-up; closing the result removes it. */
    public synchronized AutoCloseable register(Runnable wakeUp) {
        wakeUps.add(wakeUp);
        if (thread == null) {
            java.util.concurrent.atomic.AtomicBoolean stopThis = new java.util.concurrent.atomic.AtomicBoolean();
            stop = stopThis;
            thread = new Thread(() -> listen(stopThis), "txchat-feed-listen-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
        return () -> unregister(wakeUp);
    }

    private synchronized void unregister(Runnable wakeUp) {
        wakeUps.remove(wakeUp);
        if (wakeUps.isEmpty() && thread != null) {
            stop.set(true);
            thread = null;
            stop = null;
        }
    }

    private void listen(java.util.concurrent.atomic.AtomicBoolean stopped) {
        while (!stopped.get()) {
            try (Handle handle = jdbi.open()) {
                // the channel is the validated table prefix plus "feed", never input
                handle.execute("LISTEN " + channel);
                Connection connection = handle.getConnection();
                Class<?> pgConnection = Class.forName("org.postgresql.PGConnection", true,
                        connection.getClass().getClassLoader());
                Object pg = connection.unwrap(pgConnection);
                Method getNotifications = pgConnection.getMethod("getNotifications", int.class);
                while (!stopped.get()) {
                    Object[] notifications = (Object[]) getNotifications.invoke(pg, WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        wakeUps.forEach(Runnable::run);
                    }
                }
            } catch (Exception e) {
                if (!stopped.get()) {
                    LOG.debug("listening for chat feed notifications failed; reconnecting in 1 s", e);
                    try {
                        TimeUnit.SECONDS.sleep(1);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
