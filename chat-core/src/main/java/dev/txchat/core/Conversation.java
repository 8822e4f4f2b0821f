package dev.txchat.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation and its participants (current and former). Immutable snapshot.
 *
 * @param id             the conversation id
 * @param kind           direct, transaction or account thread
 * @param ticketId       the ticket of a transaction chat, else null
 * @param transactionId  the transaction of a transaction chat, else null
 * @param organizationId the business organization it concerns (the seller of an account
 *                       thread, the business user's organization otherwise), or null
 * @param subject        subject line, or null
 * @param status         open or deleted
 * @param createdAt      when it was created
 * @param participants   every participant that ever joined, in joining order; former ones have {@code leftAt}
 */
public record Conversation(ConversationId id, ConversationKind kind, TicketId ticketId, String transactionId,
                           String organizationId, String subject, ConversationStatus status, Instant createdAt,
                           List<Participant> participants) {
    public Conversation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        participants = List.copyOf(participants);
    }

    /** The participant with {@code id}, current or former. */
    public Optional<Participant> participant(ParticipantId id) {
        return participants.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** Participants that are still members. */
    public List<Participant> activeParticipants() {
        return participants.stream().filter(Participant::isActive).toList();
    }

    /** Whether it has been (soft) deleted. */
    public boolean isDeleted() {
        return status == ConversationStatus.DELETED;
    }
}
