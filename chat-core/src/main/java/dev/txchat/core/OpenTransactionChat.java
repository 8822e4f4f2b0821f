package dev.txchat.core;

/**
 * Request to open (or reopen) the chat about one transaction with one business user whose
 * wallet participates in it.
 *
 * @param transactionId the host's transaction id, looked up in the
 *                      {@link dev.txchat.core.spi.TransactionDirectory}; required
 * @param businessUser  the business user; required (field {@code businessUser})
 * @param message       the message to post; required
 */
public record OpenTransactionChat(String transactionId, ParticipantRef businessUser, NewMessage message) {
}
