package dev.txchat.testkit;

import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.FeedRecord;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.Map;
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

    private final class Forwarding implements ChatStoreTransaction {
        private final ChatStoreTransaction tx;

        Forwarding(ChatStoreTransaction tx) {
            this.tx = tx;
        }

        @Override
        public Optional<StoredConversation> findLiveConversation(String liveKey) {
            Optional<StoredConversation> found = tx.findLiveConversation(liveKey);
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
            if (hook != null && tx.findLiveConversation(liveKey).isPresent() && afterFindLive.compareAndSet(hook, null)) {
                hook.run();
            }
            return tx.lockLiveConversation(liveKey);
        }

        @Override
        public Stored<TransactionTicket> findOrCreateTicket(TicketId id, String transactionId,
                                                            Map<String, String> details, Instant createdAt) {
            return tx.findOrCreateTicket(id, transactionId, details, createdAt);
        }

        @Override
        public Optional<TransactionTicket> findTicket(String transactionId) {
            return tx.findTicket(transactionId);
        }

        @Override
        public Stored<StoredConversation> createConversation(NewConversation conversation) {
            return tx.createConversation(conversation);
        }

        @Override
        public Optional<StoredConversation> findConversation(ConversationId id) {
            return tx.findConversation(id);
        }

        @Override
        public Optional<StoredConversation> lockConversation(ConversationId id) {
            return tx.lockConversation(id);
        }

        @Override
        public boolean markDeleted(ConversationId id, Instant deletedAt) {
            return tx.markDeleted(id, deletedAt);
        }

        @Override
        public List<StoredConversation> listConversations(ConversationQuery query, ConversationKey bound,
                                                          boolean forward, int limit) {
            return tx.listConversations(query, bound, forward, limit);
        }

        @Override
        public long countConversations(ConversationQuery query) {
            return tx.countConversations(query);
        }

        @Override
        public Stored<Participant> addParticipant(ConversationId conversationId, ParticipantId id, ParticipantRef who,
                                                  Instant joinedAt) {
            return tx.addParticipant(conversationId, id, who, joinedAt);
        }

        @Override
        public Optional<Participant> removeParticipant(ConversationId conversationId, ParticipantId participantId,
                                                       Instant leftAt) {
            return tx.removeParticipant(conversationId, participantId, leftAt);
        }

        @Override
        public Stored<Message> appendMessage(NewStoredMessage message) {
            return tx.appendMessage(message);
        }

        @Override
        public List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward,
                                          int limit) {
            return observed(tx.listMessages(conversationId, boundSequence, forward, limit));
        }

        @Override
        public int markRead(ConversationId conversationId, ParticipantType sentBy, Instant readAt) {
            return tx.markRead(conversationId, sentBy, readAt);
        }

        @Override
        public byte[] findOrCreateSecret(String name, byte[] candidate) {
            return tx.findOrCreateSecret(name, candidate);
        }

        @Override
        public boolean runAfterOuterCommit(Runnable action) {
            return tx.runAfterOuterCommit(action);
        }

        @Override
        public void appendToFeed(List<FeedRecord> records) {
            tx.appendToFeed(records);
            Runnable hook = afterFeedAppend.get();
            if (hook != null) {
                hook.run();
            }
        }

        @Override
        public int sequenceFeed(int max) {
            return tx.sequenceFeed(max);
        }

        @Override
        public long feedHead() {
            return tx.feedHead();
        }

        @Override
        public List<FeedRecord> readFeed(long after, int max) {
            return tx.readFeed(after, max);
        }

        @Override
        public long leaseSubscription(String name, String owner, Instant now, Instant leaseUntil) {
            return tx.leaseSubscription(name, owner, now, leaseUntil);
        }

        @Override
        public boolean advanceSubscription(String name, String owner, long position, Instant leaseUntil) {
            return tx.advanceSubscription(name, owner, position, leaseUntil);
        }

        @Override
        public void releaseSubscription(String name, String owner) {
            tx.releaseSubscription(name, owner);
        }

        @Override
        public int pruneFeed(Instant committedBefore, int max) {
            return tx.pruneFeed(committedBefore, max);
        }
    
        // ---- regulated mode, forwarded ------------------------------------------------------------

        @Override
        public Optional<StoredConversation> lockConversationWithCompliance(ConversationId id) {
            return tx.lockConversationWithCompliance(id);
        }

        @Override
        public ComplianceState complianceState(ConversationId id) {
            return tx.complianceState(id);
        }

        @Override
        public void appendAudit(List<AuditRecord> entries) {
            tx.appendAudit(entries);
        }

        @Override
        public List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
            return observed(tx.readAudit(conversationId, afterSequence, limit));
        }

        @Override
        public List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
            return observed(tx.auditOfMessages(conversationId, messageIds));
        }

        @Override
        public Optional<Message> findMessage(ConversationId conversationId, MessageId messageId) {
            return tx.findMessage(conversationId, messageId);
        }

        @Override
        public Optional<Message> editMessage(ConversationId conversationId, MessageId messageId, String body,
                                             Instant editedAt) {
            return tx.editMessage(conversationId, messageId, body, editedAt);
        }

        @Override
        public Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId,
                                               Instant redactedAt, boolean keepContent) {
            return tx.redactMessage(conversationId, messageId, redactedAt, keepContent);
        }

        @Override
        public List<MessageVersion> messageVersions(ConversationId conversationId,
                                                    Collection<MessageId> messageIds) {
            return observed(tx.messageVersions(conversationId, messageIds));
        }

        @Override
        public boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
            return tx.placeLegalHold(conversationId, hold);
        }

        @Override
        public Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
            return tx.releaseLegalHold(conversationId);
        }

        @Override
        public List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
            List<ConversationId> candidates = tx.purgeCandidates(createdBefore, after, limit);
            Runnable hook = afterPurgeCandidates.getAndSet(null);
            if (hook != null) {
                hook.run();
            }
            return candidates;
        }

        @Override
        public PurgedMessages purgeMessages(ConversationId conversationId, Instant createdBefore, int max) {
            return tx.purgeMessages(conversationId, createdBefore, max);
        }

        @Override
        public int purgeAudit(ConversationId conversationId, long throughSequence) {
            return tx.purgeAudit(conversationId, throughSequence);
        }

        @Override
        public boolean restrictProcessing(String userId, Instant since) {
            return tx.restrictProcessing(userId, since);
        }

        @Override
        public Set<String> restrictedAmong(Collection<String> userIds) {
            return tx.restrictedAmong(userIds);
        }

        @Override
        public List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId,
                                                                      int limit) {
            return tx.restrictionsToPseudonymise(sinceBefore, afterUserId, limit);
        }

        @Override
        public int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
            return tx.pseudonymise(userId, pseudonym, maxRows, at);
        }
    }
}
