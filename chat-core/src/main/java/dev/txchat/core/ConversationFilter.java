package dev.txchat.core;

/**
 * Which conversations {@link ChatService#listConversations} returns. Immutable; the
 * {@code with…} methods return modified copies. Null components mean "any".
 *
 * <p>For a business actor the filter only narrows its own conversations; it can never
 * widen what the actor sees, and {@code includeDeleted} is ignored.
 *
 * @param participantId   a participant whose user id <em>or</em> organization id equals this
 * @param participantType a participant of this side (the same participant as
 *                        {@code participantId} when both are given)
 * @param transactionId   conversations about this transaction
 * @param kind            conversations of this kind
 * @param includeDeleted  whether staff also see deleted conversations
 */
public record ConversationFilter(String participantId, ParticipantType participantType, String transactionId,
                                 ConversationKind kind, boolean includeDeleted) {

    private static final ConversationFilter ALL = new ConversationFilter(null, null, null, null, false);

    /** Every live conversation the caller may see. */
    public static ConversationFilter all() {
        return ALL;
    }

    public ConversationFilter withParticipantId(String participantId) {
        return new ConversationFilter(participantId, participantType, transactionId, kind, includeDeleted);
    }

    public ConversationFilter withParticipantType(ParticipantType participantType) {
        return new ConversationFilter(participantId, participantType, transactionId, kind, includeDeleted);
    }

    public ConversationFilter withTransactionId(String transactionId) {
        return new ConversationFilter(participantId, participantType, transactionId, kind, includeDeleted);
    }

    public ConversationFilter withKind(ConversationKind kind) {
        return new ConversationFilter(participantId, participantType, transactionId, kind, includeDeleted);
    }

    public ConversationFilter includingDeleted() {
        return new ConversationFilter(participantId, participantType, transactionId, kind, true);
    }
}
