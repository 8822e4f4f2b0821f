package dev.txchat.core;

/**
 * A running {@link ChatFeed#subscribe subscription}: a background thread delivering feed
 * entries to a {@link FeedHandler}, with its checkpoint kept in the database under its
 * name. {@link #close()} stops it after the entry in hand; the next subscription with the
 * same name, on any node, continues from the checkpoint. Thread-safe.
 */
public interface FeedSubscription extends AutoCloseable {

    /** The subscription's name, which its checkpoint is kept under. */
    String name();

    /** The position of the last entry this node's handler finished (START if none yet). */
    FeedPosition position();

    /** Stops delivering; waits for the entry in hand to finish. Idempotent. */
    @Override
    void close();
}
