package dev.txchat.core;

import dev.txchat.core.internal.Checks;

/**
 * Names a participant to add to a conversation, before it has a {@link ParticipantId}.
 * Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link #businessUser(String, String)}: one user of a client; only that user sees the chat.</li>
 *   <li>{@link #businessAccount(String)}: a whole client organization; every user of it sees the chat.</li>
 *   <li>{@link #serviceUser(String)}: one staff user.</li>
 *   <li>{@link #platform()}: the operator side as a whole, as in account threads.</li>
 * </ul>
 *
 * @param type           the side
 * @param userId         the user, or null for an organization-level participant
 * @param organizationId the organization, or null
 */
public record ParticipantRef(ParticipantType type, String userId, String organizationId) {

    public ParticipantRef {
        Checks.notNull(type, "type");
        userId = Checks.optionalId(userId, "userId");
        organizationId = Checks.optionalId(organizationId, "organizationId");
        if (type == ParticipantType.BUSINESS && userId == null && organizationId == null) {
            throw ValidationException.of("userId", "a business participant needs a user id or an organization id");
        }
        if (type == ParticipantType.SERVICE && userId == null && organizationId != null) {
            throw ValidationException.of("organizationId", "the operator side has no organization id");
        }
    }

    /** A client user; {@code organizationId} may be null. */
    public static ParticipantRef businessUser(String userId, String organizationId) {
        return new ParticipantRef(ParticipantType.BUSINESS, Checks.id(userId, "userId"), organizationId);
    }

    /** A client organization as a whole, shared by all of its users. */
    public static ParticipantRef businessAccount(String organizationId) {
        return new ParticipantRef(ParticipantType.BUSINESS, null, Checks.id(organizationId, "organizationId"));
    }

    /** One staff user. */
    public static ParticipantRef serviceUser(String userId) {
        return new ParticipantRef(ParticipantType.SERVICE, Checks.id(userId, "userId"), null);
    }

    /** The operator side as a whole: the platform participant of account threads. */
    public static ParticipantRef platform() {
        return new ParticipantRef(ParticipantType.SERVICE, null, null);
    }

    /** Whether this names an organization (or the platform) rather than one user. */
    public boolean isOrganizationLevel() {
        return userId == null;
    }
}
