package dev.txchat.core;

/**
 * Handles the entries of a {@link ChatFeed#subscribe subscription}, one at a time, in feed
 * order. Delivery is at least once: after a crash or a hand-over the entries since the last
 * checkpoint come again, so a handler should be idempotent (each entry's
 * {@link FeedEntry#position()} identifies it). A handler that throws is called again with
 * the same entry after a back-off; the subscription never moves past it.
 */
@FunctionalInterface
public interface FeedHandler {
    /**
     * @param entry the next entry
     * @throws Exception to have it retried
     */
    void handle(FeedEntry entry) throws Exception;
}
