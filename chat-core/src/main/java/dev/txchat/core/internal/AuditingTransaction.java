package dev.txchat.core.internal;

import dev.txchat.core.Actor;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.ForwardingChatStoreTransaction;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A unit of work in regulated mode: the store's transaction, with every conversation lock
 * taken through {@link ChatStoreTransaction#lockConversationWithCompliance} so the audit
 * chain's head comes with the lock, and the audit entries of the unit of work buffered and
 * written by {@link #flush()} in one {@link ChatStoreTransaction#appendAudit} call. The rules
 * in {@link DefaultChatService} run unchanged on it; outside regulated mode they get the
 * store's transaction itself and pay nothing.
 */
final class AuditingTransaction extends ForwardingChatStoreTransaction {

    /** The chain head of each conversation this unit of work locked or created, moved by each entry. */
    private final Map<ConversationId, ComplianceState> heads = new HashMap<>();
    private final List<AuditRecord> pending = new ArrayList<>();

    AuditingTransaction(ChatStoreTransaction tx) {
        super(tx);
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
            delegate().appendAudit(List.copyOf(pending));
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
        Optional<StoredConversation> locked = delegate().lockConversationWithCompliance(id);
        locked.ifPresent(c -> heads.merge(id, c.compliance(), (mine, stored) -> mine));
        return locked;
    }

    @Override
    public Optional<StoredConversation> lockLiveConversation(String liveKey) {
        Optional<StoredConversation> locked = delegate().lockLiveConversation(liveKey);
        if (locked.isPresent()) {
            ConversationId id = locked.get().conversation().id();
            if (!heads.containsKey(id)) {
                heads.put(id, delegate().complianceState(id));
            }
            return Optional.of(locked.get().withCompliance(heads.get(id)));
        }
        return locked;
    }

    @Override
    public Stored<StoredConversation> createConversation(NewConversation conversation) {
        Stored<StoredConversation> stored = delegate().createConversation(conversation);
        if (stored.created()) {
            heads.put(stored.value().conversation().id(), ComplianceState.NONE);
        }
        return stored;
    }

    // ---- holds move the head's legal hold; every other operation is forwarded as it is ----------

    @Override
    public boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
        boolean placed = delegate().placeLegalHold(conversationId, hold);
        if (placed) {
            ComplianceState head = state(conversationId);
            heads.put(conversationId, new ComplianceState(head.auditSequence(), head.auditHash(), hold));
        }
        return placed;
    }

    @Override
    public Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
        Optional<LegalHold> released = delegate().releaseLegalHold(conversationId);
        if (released.isPresent()) {
            ComplianceState head = state(conversationId);
            heads.put(conversationId, new ComplianceState(head.auditSequence(), head.auditHash(), null));
        }
        return released;
    }
}
