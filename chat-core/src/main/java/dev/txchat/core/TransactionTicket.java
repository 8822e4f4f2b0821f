package dev.txchat.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The root of the chats about one transaction: there is exactly one ticket per
 * transaction, and under it one live conversation per business user. Immutable.
 *
 * @param id            the ticket id
 * @param transactionId the host's transaction id
 * @param details       what the {@link dev.txchat.core.spi.TransactionDirectory} said about
 *                      the transaction when the ticket was created, so staff see the context
 * @param createdAt     when the ticket was created
 * @param conversations its conversations visible to the caller, oldest first
 */
public record TransactionTicket(TicketId id, String transactionId, Map<String, String> details,
                                Instant createdAt, List<Conversation> conversations) {
    public TransactionTicket {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(createdAt, "createdAt");
        details = details == null ? Map.of() : Map.copyOf(details);
        conversations = conversations == null ? List.of() : List.copyOf(conversations);
    }

    /** The same ticket with another list of conversations. */
    public TransactionTicket withConversations(List<Conversation> conversations) {
        return new TransactionTicket(id, transactionId, details, createdAt, conversations);
    }
}
