package dev.txchat.core;

/**
 * Outcome of {@link ChatService#openTransactionChat}. Immutable.
 *
 * @param ticket       the transaction's ticket
 * @param conversation the chat with the business user
 * @param message      the message just posted (or the earlier one with the same client message id)
 * @param created      whether the conversation was created by this call; false when the
 *                     message was appended to an existing live chat
 */
public record TransactionChat(TransactionTicket ticket, Conversation conversation, ParticipantMessage message,
                              boolean created) {
}
