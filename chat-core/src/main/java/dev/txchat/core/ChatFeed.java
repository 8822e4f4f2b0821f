package dev.txchat.core;

/**
 * The durable change feed: every committed change of the chat (the
 * {@link dev.txchat.core.spi.ChatEvent}s), written in the same database transaction as the
 * change itself, readable by every application node. Obtain it from
 * {@link ChatService#feed()}. Thread-safe.
 *
 * <p><b>Never skips, never reorders.</b> A reader that polls while writers commit sees every
 * committed entry exactly once, in feed order, and the entries of one conversation in the
 * order they were committed (so messages in sequence order). Work that rolled back (a host
 * transaction the store joined, then rolled back) never appears.
 */
public interface ChatFeed {

    /** Most entries one {@link #read} returns. */
    int MAX_BATCH = 1000;

    /**
     * Up to {@code max} entries strictly after {@code after}, in feed order.
     *
     * @param after where to continue: {@link FeedPosition#START} or a batch's {@code next}
     * @param max   1 to {@value #MAX_BATCH}
     * @throws ValidationException on {@code after} if null, on {@code max} if out of range
     */
    FeedBatch read(FeedPosition after, int max);

    /**
     * Starts delivering entries to {@code handler} on a background thread, from the
     * checkpoint kept under {@code name}. A new name starts after everything committed
     * before this call (fixed by the time it returns), so a host that subscribes at startup
     * receives every later change. The same name on several nodes is one subscription: a
     * lease lets one node deliver at a time, and another takes over when it stops renewing
     * it or dies.
     *
     * @param name    1 to 64 characters: letters, digits, {@code . _ -}
     * @param handler called once per entry, in feed order, at least once
     * @throws ValidationException on {@code name} if it is not a valid name
     */
    FeedSubscription subscribe(String name, FeedHandler handler);
}
