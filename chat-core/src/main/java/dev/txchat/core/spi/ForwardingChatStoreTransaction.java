package dev.txchat.core.spi;

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
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A unit of work that forwards every operation to another, for decorators that change a few
 * of them (auditing, metrics, fault injection in tests). It forwards the operations that have a
 * default in {@link ChatStoreTransaction} too, so a decorator never answers with a default
 * where the store it wraps implements the operation. Thread-safety is the delegate's.
 */
public abstract class ForwardingChatStoreTransaction implements ChatStoreTransaction {

    private final ChatStoreTransaction delegate;

    protected ForwardingChatStoreTransaction(ChatStoreTransaction delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The unit of work this one forwards to. */
    protected final ChatStoreTransaction delegate() {
        return delegate;
    }

    @Override
    public Optional<StoredConversation> lockConversation(ConversationId id) {
        return delegate.lockConversation(id);
    }

    @Override
    public Optional<StoredConversation> lockConversationWithCompliance(ConversationId id) {
        return delegate.lockConversationWithCompliance(id);
    }

    @Override
    public Optional<StoredConversation> lockLiveConversation(String liveKey) {
        return delegate.lockLiveConversation(liveKey);
    }

    @Override
    public Stored<StoredConversation> createConversation(NewConversation conversation) {
        return delegate.createConversation(conversation);
    }

    @Override
    public Stored<TransactionTicket> findOrCreateTicket(TicketId id, String transactionId, Map<String, String> details,
            Instant createdAt) {
        return delegate.findOrCreateTicket(id, transactionId, details, createdAt);
    }

    @Override
    public Optional<TransactionTicket> findTicket(String transactionId) {
        return delegate.findTicket(transactionId);
    }

    @Override
    public Optional<StoredConversation> findConversation(ConversationId id) {
        return delegate.findConversation(id);
    }

    @Override
    public Optional<StoredConversation> findLiveConversation(String liveKey) {
        return delegate.findLiveConversation(liveKey);
    }

    @Override
    public boolean markDeleted(ConversationId id, Instant deletedAt) {
        return delegate.markDeleted(id, deletedAt);
    }

    @Override
    public List<StoredConversation> listConversations(ConversationQuery query, ConversationKey bound, boolean forward,
            int limit) {
        return delegate.listConversations(query, bound, forward, limit);
    }

    @Override
    public long countConversations(ConversationQuery query) {
        return delegate.countConversations(query);
    }

    @Override
    public Stored<Participant> addParticipant(ConversationId conversationId, ParticipantId id, ParticipantRef who,
            Instant joinedAt) {
        return delegate.addParticipant(conversationId, id, who, joinedAt);
    }

    @Override
    public Optional<Participant> removeParticipant(ConversationId conversationId, ParticipantId participantId,
            Instant leftAt) {
        return delegate.removeParticipant(conversationId, participantId, leftAt);
    }

    @Override
    public Stored<Message> appendMessage(NewStoredMessage message) {
        return delegate.appendMessage(message);
    }

    @Override
    public List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward, int limit) {
        return delegate.listMessages(conversationId, boundSequence, forward, limit);
    }

    @Override
    public int markRead(ConversationId conversationId, ParticipantType sentBy, Instant readAt) {
        return delegate.markRead(conversationId, sentBy, readAt);
    }

    @Override
    public byte[] findOrCreateSecret(String name, byte[] candidate) {
        return delegate.findOrCreateSecret(name, candidate);
    }

    @Override
    public boolean runAfterOuterCommit(Runnable action) {
        return delegate.runAfterOuterCommit(action);
    }

    @Override
    public void appendToFeed(List<FeedRecord> records) {
        delegate.appendToFeed(records);
    }

    @Override
    public int sequenceFeed(int max) {
        return delegate.sequenceFeed(max);
    }

    @Override
    public long feedHead() {
        return delegate.feedHead();
    }

    @Override
    public List<FeedRecord> readFeed(long after, int max) {
        return delegate.readFeed(after, max);
    }

    @Override
    public long leaseSubscription(String name, String owner, Instant now, Instant leaseUntil) {
        return delegate.leaseSubscription(name, owner, now, leaseUntil);
    }

    @Override
    public boolean advanceSubscription(String name, String owner, long position, Instant leaseUntil) {
        return delegate.advanceSubscription(name, owner, position, leaseUntil);
    }

    @Override
    public void releaseSubscription(String name, String owner) {
        delegate.releaseSubscription(name, owner);
    }

    @Override
    public int pruneFeed(Instant committedBefore, int max) {
        return delegate.pruneFeed(committedBefore, max);
    }

    @Override
    public ComplianceState complianceState(ConversationId id) {
        return delegate.complianceState(id);
    }

    @Override
    public void appendAudit(List<AuditRecord> entries) {
        delegate.appendAudit(entries);
    }

    @Override
    public List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
        return delegate.readAudit(conversationId, afterSequence, limit);
    }

    @Override
    public List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
        return delegate.auditOfMessages(conversationId, messageIds);
    }

    @Override
    public Optional<Message> findMessage(ConversationId conversationId, MessageId messageId) {
        return delegate.findMessage(conversationId, messageId);
    }

    @Override
    public Optional<Message> editMessage(ConversationId conversationId, MessageId messageId, String body,
            Instant editedAt) {
        return delegate.editMessage(conversationId, messageId, body, editedAt);
    }

    @Override
    public Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId, Instant redactedAt,
            boolean keepContent) {
        return delegate.redactMessage(conversationId, messageId, redactedAt, keepContent);
    }

    @Override
    public List<MessageVersion> messageVersions(ConversationId conversationId, Collection<MessageId> messageIds) {
        return delegate.messageVersions(conversationId, messageIds);
    }

    @Override
    public boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
        return delegate.placeLegalHold(conversationId, hold);
    }

    @Override
    public Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
        return delegate.releaseLegalHold(conversationId);
    }

    @Override
    public List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
        return delegate.purgeCandidates(createdBefore, after, limit);
    }

    @Override
    public PurgedMessages purgeMessages(ConversationId conversationId, Instant createdBefore, int max) {
        return delegate.purgeMessages(conversationId, createdBefore, max);
    }

    @Override
    public int purgeAudit(ConversationId conversationId, long throughSequence) {
        return delegate.purgeAudit(conversationId, throughSequence);
    }

    @Override
    public boolean restrictProcessing(String userId, Instant since) {
        return delegate.restrictProcessing(userId, since);
    }

    @Override
    public Set<String> restrictedAmong(Collection<String> userIds) {
        return delegate.restrictedAmong(userIds);
    }

    @Override
    public List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId, int limit) {
        return delegate.restrictionsToPseudonymise(sinceBefore, afterUserId, limit);
    }

    @Override
    public int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
        return delegate.pseudonymise(userId, pseudonym, maxRows, at);
    }
}
