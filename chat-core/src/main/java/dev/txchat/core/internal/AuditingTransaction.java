package dev.txchat.core.internal;

import dev.txchat.core.Actor;
import dev.txchat.core.Conversation;
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
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.FeedRecord;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A unit of work in regulated mode: the store's transaction, with every conversation lock
 * taken through {@link ChatStoreTransaction#lockConversationWithCompliance} so the audit
 * chain's head comes with the lock, and the audit entries of the unit of work buffered and
 * written by {@link #flush()} in one {@link ChatStoreTransaction#appendAudit} call. The rules
 * in {@link DefaultChatService} run unchanged on it; outside regulated mode they get the
 * store's transaction itself and pay nothing.
 */
final class AuditingTransaction implements ChatStoreTransaction {

    private final ChatStoreTransaction tx;
    /** The chain head of each conversation this unit of work locked or created, moved by each entry. */
    private final Map<ConversationId, ComplianceState> heads = new HashMap<>();
    private final List<AuditRecord> pending = new ArrayList<>();

    AuditingTransaction(ChatStoreTransaction tx) {
        this.tx = tx;
    }

    /** The compliance state of a conversation this unit of work locked, with the entries it added. */
    ComplianceState state(ConversationId id) {
        ComplianceState head = heads.get(id);
        if (head == null) {
            throw new IllegalStateException("conversation " + id + " was not locked in this unit of work");
        }
        return head;
    }

    /** Adds an entry to the conversation's chain; written by {@link #flush()}. */
    void record(ConversationId id, String action, Instant at, Actor actor, MessageId messageId, Integer version,
                String body, Map<String, Object> details) {
        ComplianceState head = state(id);
        AuditRecord entry = AuditChain.next(head, id, action, at, actor, messageId, version,
                body == null ? null : AuditChain.sha256(body), details);
        pending.add(entry);
        heads.put(id, new ComplianceState(entry.sequence(), entry.hash(), head.legalHold()));
    }

    /** Adds the entries of the events the rules raised (edits, redactions, holds and purges record their own). */
    void recordEvents(List<ChatEvent> events) {
        for (ChatEvent event : events) {
            ConversationId id = event.conversationId();
            Actor actor = event.actor();
            if (event instanceof ChatEvent.ConversationStarted e) {
                Conversation c = e.conversation();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("kind", c.kind().name());
                details.put("ticketId", c.ticketId() == null ? null : c.ticketId().toString());
                details.put("transactionId", c.transactionId());
                details.put("organizationId", c.organizationId());
                details.put("subject", c.subject());
                List<Object> participants = new ArrayList<>();
                for (Participant p : c.participants()) {
                    participants.add(participant(p));
                }
                details.put("participants", participants);
                record(id, AuditChain.CONVERSATION_STARTED, c.createdAt(), actor, null, null, null, details);
            } else if (event instanceof ChatEvent.MessagePosted e) {
                Message m = e.message().message();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("sequence", m.sequence());
                details.put("senderId", m.senderId().toString());
                details.put("sentByType", m.sentByType().name());
                details.put("authorUserId", m.authorUserId());
                details.put("clientMessageId", m.clientMessageId());
                record(id, AuditChain.MESSAGE_POSTED, m.createdAt(), actor, m.id(), 1, m.body(), details);
            } else if (event instanceof ChatEvent.MessagesRead e) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("sentBy", e.sentBy().name());
                details.put("markedRead", (long) e.receipt().markedRead());
                record(id, AuditChain.MESSAGES_READ, e.receipt().readAt(), actor, null, null, null, details);
            } else if (event instanceof ChatEvent.ConversationDeleted e) {
                record(id, AuditChain.CONVERSATION_DELETED, e.deletedAt(), actor, null, null, null, Map.of());
            } else if (event instanceof ChatEvent.ParticipantAdded e) {
                record(id, AuditChain.PARTICIPANT_ADDED, e.participant().joinedAt(), actor, null, null, null,
                        participant(e.participant()));
            } else if (event instanceof ChatEvent.ParticipantRemoved e) {
                record(id, AuditChain.PARTICIPANT_REMOVED, e.participant().leftAt(), actor, null, null, null,
                        participant(e.participant()));
            }
        }
    }

    private static Map<String, Object> participant(Participant p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("participantId", p.id().toString());
        json.put("type", p.type().name());
        json.put("userId", p.userId());
        json.put("organizationId", p.organizationId());
        return json;
    }

    /** Writes the buffered entries; the last write of the unit of work but the feed's. */
    void flush() {
        if (!pending.isEmpty()) {
            tx.appendAudit(List.copyOf(pending));
            pending.clear();
        }
    }

    // ---- the locks bring the chain's head -------------------------------------------------------

    @Override
    public Optional<StoredConversation> lockConversation(ConversationId id) {
        return lockConversationWithCompliance(id);
    }

    @Override
    public Optional<StoredConversation> lockConversationWithCompliance(ConversationId id) {
        Optional<StoredConversation> locked = tx.lockConversationWithCompliance(id);
        locked.ifPresent(c -> heads.merge(id, c.compliance(), (mine, stored) -> mine));
        return locked;
    }

    @Override
    public Optional<StoredConversation> lockLiveConversation(String liveKey) {
        Optional<StoredConversation> locked = tx.lockLiveConversation(liveKey);
        if (locked.isPresent()) {
            ConversationId id = locked.get().conversation().id();
            if (!heads.containsKey(id)) {
                heads.put(id, tx.complianceState(id));
            }
            return Optional.of(locked.get().withCompliance(heads.get(id)));
        }
        return locked;
    }

    @Override
    public Stored<StoredConversation> createConversation(NewConversation conversation) {
        Stored<StoredConversation> stored = tx.createConversation(conversation);
        if (stored.created()) {
            heads.put(stored.value().conversation().id(), ComplianceState.NONE);
        }
        return stored;
    }

    // ---- everything else as the store does it ---------------------------------------------------

    @Override
    public Stored<TransactionTicket> findOrCreateTicket(TicketId id, String transactionId, Map<String, String> details,
                                                        Instant createdAt) {
        return tx.findOrCreateTicket(id, transactionId, details, createdAt);
    }

    @Override
    public Optional<TransactionTicket> findTicket(String transactionId) {
        return tx.findTicket(transactionId);
    }

    @Override
    public Optional<StoredConversation> findConversation(ConversationId id) {
        return tx.findConversation(id);
    }

    @Override
    public Optional<StoredConversation> findLiveConversation(String liveKey) {
        return tx.findLiveConversation(liveKey);
    }

    @Override
    public boolean markDeleted(ConversationId id, Instant deletedAt) {
        return tx.markDeleted(id, deletedAt);
    }

    @Override
    public List<StoredConversation> listConversations(ConversationQuery query, ConversationKey bound, boolean forward,
                                                      int limit) {
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
    public List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward, int limit) {
        return tx.listMessages(conversationId, boundSequence, forward, limit);
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
        return tx.readAudit(conversationId, afterSequence, limit);
    }

    @Override
    public List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
        return tx.auditOfMessages(conversationId, messageIds);
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
    public Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId, Instant redactedAt,
                                           boolean keepContent) {
        return tx.redactMessage(conversationId, messageId, redactedAt, keepContent);
    }

    @Override
    public List<MessageVersion> messageVersions(ConversationId conversationId, Collection<MessageId> messageIds) {
        return tx.messageVersions(conversationId, messageIds);
    }

    @Override
    public boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
        boolean placed = tx.placeLegalHold(conversationId, hold);
        if (placed) {
            ComplianceState head = state(conversationId);
            heads.put(conversationId, new ComplianceState(head.auditSequence(), head.auditHash(), hold));
        }
        return placed;
    }

    @Override
    public Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
        Optional<LegalHold> released = tx.releaseLegalHold(conversationId);
        if (released.isPresent()) {
            ComplianceState head = state(conversationId);
            heads.put(conversationId, new ComplianceState(head.auditSequence(), head.auditHash(), null));
        }
        return released;
    }

    @Override
    public List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
        return tx.purgeCandidates(createdBefore, after, limit);
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
    public List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId, int limit) {
        return tx.restrictionsToPseudonymise(sinceBefore, afterUserId, limit);
    }

    @Override
    public int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
        return tx.pseudonymise(userId, pseudonym, maxRows, at);
    }
}
