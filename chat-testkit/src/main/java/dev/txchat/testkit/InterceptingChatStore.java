package dev.txchat.testkit;

import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ForwardingChatStoreTransaction;
import dev.txchat.core.spi.FeedRecord;
import dev.txchat.core.spi.StoredConversation;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A store that forwards to another and lets a test run code at the worst moment of a unit
 * of work: right after the core found a live conversation without locking it. The race
 * tests of {@link ChatGuaranteesContract} use it to let a concurrent delete commit exactly
 * there, on every store, instead of hoping a random schedule hits the window.
 *
 * <p>Thread-safe; the hook fires once per {@link #afterFindingLive arming}.
 */
final class InterceptingChatStore implements ChatStore {

    private final ChatStore delegate;
    private final AtomicReference<Runnable> afterFindLive = new AtomicReference<>();
    private final AtomicReference<Runnable> afterFeedAppend = new AtomicReference<>();
    private final AtomicReference<Runnable> afterPurgeCandidates = new AtomicReference<>();
    private final AtomicReference<java.util.function.IntConsumer> pageReads = new AtomicReference<>();

    InterceptingChatStore(ChatStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Runs {@code hook} once, in the calling unit of work, after the next lookup that finds a live conversation. */
    void afterFindingLive(Runnable hook) {
        afterFindLive.set(hook);
    }

    /**
     * Runs {@code hook} in every unit of work right after it appended to the change feed
     * (its entries have their insertion numbers, it has not committed), until set to null:
     * the feed tests pause writers there so that they commit out of insertion order, and
     * throw there to roll a unit of work back after its append.
     */
    void afterAppendingToFeed(Runnable hook) {
        afterFeedAppend.set(hook);
    }

    /**
     * Runs {@code hook} once, in the calling unit of work, right after the next listing of
     * purge candidates: before the purge has locked any of them.
     */
    void afterListingPurgeCandidates(Runnable hook) {
        afterPurgeCandidates.set(hook);
    }

    /**
     * Tells {@code observer} the number of rows of every page of messages, versions or audit
     * entries read, until set to null: the export tests check that no read is unbounded and
     * that the document reaches its stream while pages are still being read.
     */
    void onPageRead(java.util.function.IntConsumer observer) {
        pageReads.set(observer);
    }

    private <R> List<R> observed(List<R> page) {
        java.util.function.IntConsumer observer = pageReads.get();
        if (observer != null) {
            observer.accept(page.size());
        }
        return page;
    }

    @Override
    public boolean supportsRegulatedMode() {
        return delegate.supportsRegulatedMode();
    }

    @Override
    public <T> T inOwnTransaction(Function<ChatStoreTransaction, T> work) {
        return delegate.inOwnTransaction(tx -> work.apply(new Forwarding(tx)));
    }

    @Override
    public AutoCloseable onFeedAppended(Runnable wakeUp) {
        return delegate.onFeedAppended(wakeUp);
    }

    @Override
    public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
        return delegate.inTransaction(tx -> work.apply(new Forwarding(tx)));
    }

    private final class Forwarding extends ForwardingChatStoreTransaction {

        Forwarding(ChatStoreTransaction tx) {
            super(tx);
        }

        @Override
        public Optional<StoredConversation> findLiveConversation(String liveKey) {
            Optional<StoredConversation> found = delegate().findLiveConversation(liveKey);
            if (found.isPresent()) {
                Runnable hook = afterFindLive.getAndSet(null);
                if (hook != null) {
                    hook.run();
                }
            }
            return found;
        }

        /**
         * Fires the armed hook when the key has a live conversation, just before the locking
         * lookup: a store that locks by key in one statement must then notice the delete
         * that committed in between, or wait for it and notice it.
         */
        @Override
        public Optional<StoredConversation> lockLiveConversation(String liveKey) {
            Runnable hook = afterFindLive.get();
            if (hook != null && delegate().findLiveConversation(liveKey).isPresent() && afterFindLive.compareAndSet(hook, null)) {
                hook.run();
            }
            return delegate().lockLiveConversation(liveKey);
        }

        @Override
        public List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward,
                                          int limit) {
            return observed(delegate().listMessages(conversationId, boundSequence, forward, limit));
        }

        @Override
        public void appendToFeed(List<FeedRecord> records) {
            delegate().appendToFeed(records);
            Runnable hook = afterFeedAppend.get();
            if (hook != null) {
                hook.run();
            }
        }

    
        // ---- regulated mode, forwarded ------------------------------------------------------------

        @Override
        public List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
            return observed(delegate().readAudit(conversationId, afterSequence, limit));
        }

        @Override
        public List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
            return observed(delegate().auditOfMessages(conversationId, messageIds));
        }

        @Override
        public List<MessageVersion> messageVersions(ConversationId conversationId,
                                                    Collection<MessageId> messageIds) {
            return observed(delegate().messageVersions(conversationId, messageIds));
        }

        @Override
        public List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
            List<ConversationId> candidates = delegate().purgeCandidates(createdBefore, after, limit);
            Runnable hook = afterPurgeCandidates.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
            return candidates;
        }

    }
}
