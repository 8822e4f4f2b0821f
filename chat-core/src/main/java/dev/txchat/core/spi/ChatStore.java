package dev.txchat.core.spi;

import java.util.function.Function;

/**
 * The persistence port. {@code JdbiChatStore} (module {@code chat-jdbi}) and
 * {@code InMemoryChatStore} (module {@code chat-testkit}) implement it; every
 * implementation must pass the testkit's {@code ChatStoreContract} and
 * {@code ChatServiceContract}, and one that {@link #supportsRegulatedMode() supports regulated
 * mode} also its {@code RegulatedModeContract}.
 *
 * <p>A store is small and dumb but atomic. It decides no policy: access rules, validation
 * and content rules live in the core. What it does guarantee, under any concurrency, is
 * what only the storage can: each unit of work is all-or-nothing, one ticket per
 * transaction, one live conversation per live key, one message per
 * (conversation, client message id), and gapless per-conversation sequences. These come
 * from unique keys and row locks, never from a check-then-insert in Java.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ChatStore {

    /**
     * Runs {@code work} as one unit: everything it wrote is committed if it returns, and
     * nothing if it throws (the exception then propagates unchanged).
     *
     * <p>A store may run {@code work} again, a bounded number of times, after a transient
     * failure such as a serialization failure or deadlock; {@code work} must therefore
     * have no effect outside the transaction it is given.
     *
     * @param work what to do with the transaction; must not keep it after returning
     * @return what {@code work} returned
     */
    <T> T inTransaction(Function<ChatStoreTransaction, T> work);

    /**
     * As {@link #inTransaction}, but never joins a transaction the caller already has open
     * (a store that can join a host's transaction runs the work on a connection of its own).
     * The core uses it for the change feed's sequencing and reading. The default is
     * {@link #inTransaction}, right for stores that never join.
     */
    default <T> T inOwnTransaction(Function<ChatStoreTransaction, T> work) {
        return inTransaction(work);
    }

    /**
     * Registers {@code wakeUp} to be run soon after any node appends to the change feed, if
     * this store can tell (PostgreSQL's {@code LISTEN/NOTIFY}); subscriptions then deliver
     * within milliseconds instead of at their next poll. The default tells nothing and
     * returns a no-op handle: subscriptions poll.
     *
     * @param wakeUp called from a store thread; must be quick
     * @return closing it unregisters {@code wakeUp}
     */
    default AutoCloseable onFeedAppended(Runnable wakeUp) {
        return () -> {
        };
    }

    /**
     * Whether this store implements every operation of the "regulated mode" section of
     * {@link ChatStoreTransaction} (message edits, redactions and versions, the audit chain,
     * legal holds, purges and processing restrictions). {@link dev.txchat.core.ChatServiceBuilder}
     * refuses a regulated {@link dev.txchat.core.CompliancePolicy} on a store that answers
     * false, and editing or redacting then fails with {@link UnsupportedOperationException}.
     * The default is false.
     */
    default boolean supportsRegulatedMode() {
        return false;
    }
}
