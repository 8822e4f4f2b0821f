package dev.txchat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A member of a conversation. Immutable.
 *
 * <p>A participant with a null {@code userId} is organization-level: a business account
 * shared by all users of {@code organizationId}, or (type SERVICE, no organization) the
 * platform itself in an account thread.
 *
 * @param id             the participant's id, unique across conversations
 * @param type           the side
 * @param userId         the user, or null for an organization-level participant
 * @param organizationId the organization, or null
 * @param joinedAt       when it joined
 * @param leftAt         when it was removed, or null while it is a member
 */
public record Participant(ParticipantId id, ParticipantType type, String userId, String organizationId,
                          Instant joinedAt, Instant leftAt) {
    public Participant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(joinedAt, "joinedAt");
    }

    /** Whether it is still a member. */
    public boolean isActive() {
        return leftAt == null;
    }

    /** Whether this participant is the one {@code ref} names (same side, user and organization). */
    public boolean is(ParticipantRef ref) {
        return type == ref.type() && Objects.equals(userId, ref.userId())
                && Objects.equals(organizationId, ref.organizationId());
    }
}
