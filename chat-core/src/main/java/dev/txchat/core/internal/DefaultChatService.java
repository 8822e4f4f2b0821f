package dev.txchat.core.internal;

import dev.txchat.core.*;
import dev.txchat.core.spi.*;
import java.time.Clock;
import java.util.List;

/** Placeholder; replaced by the real implementation. */
public final class DefaultChatService implements ChatService {
    public DefaultChatService(ChatStore store, TransactionDirectory directory, AccessPolicy accessPolicy,
                              ContentPolicy contentPolicy, Clock clock, List<ChatEventListener> listeners) {
    }
    public Conversation startConversation(Actor actor, StartConversation request) { throw new UnsupportedOperationException(); }
    public TransactionChat openTransactionChat(Actor actor, OpenTransactionChat request) { throw new UnsupportedOperationException(); }
    public Conversation accountThread(Actor actor, String organizationId) { throw new UnsupportedOperationException(); }
    public ConversationView getConversation(Actor actor, ConversationId id) { throw new UnsupportedOperationException(); }
    public Page<ConversationView> listConversations(Actor actor, ConversationFilter filter, PageRequest page) { throw new UnsupportedOperationException(); }
    public void deleteConversation(Actor actor, ConversationId id) { throw new UnsupportedOperationException(); }
    public Participant addParticipant(Actor actor, ConversationId id, ParticipantRef who) { throw new UnsupportedOperationException(); }
    public void removeParticipant(Actor actor, ConversationId id, ParticipantId participant) { throw new UnsupportedOperationException(); }
    public ParticipantMessage postMessage(Actor actor, ConversationId id, NewMessage message) { throw new UnsupportedOperationException(); }
    public Page<ParticipantMessage> listMessages(Actor actor, ConversationId id, PageRequest page) { throw new UnsupportedOperationException(); }
    public ReadReceipt markRead(Actor actor, ConversationId id, ParticipantType sentBy) { throw new UnsupportedOperationException(); }
    public TransactionTicket ticket(Actor actor, String transactionId) { throw new UnsupportedOperationException(); }
}
