package dev.txchat.core;

import dev.txchat.core.internal.Checks;
import java.util.Set;

/**
 * Who is calling {@link ChatService}: the host authenticates the user and passes this on
 * every call. Immutable and thread-safe.
 *
 * <p>A {@link ParticipantType#SERVICE SERVICE} actor is a staff user whose rights come from
 * {@code permissions} (see {@link dev.txchat.core.spi.ChatPermissions}). A
 * {@link ParticipantType#BUSINESS BUSINESS} actor is a user (or API key) of a client
 * organization; it may act only inside conversations it participates in, whatever its
 * permissions say.
 *
 * @param type           which side the caller is on
 * @param userId         the host's id of the user or API key; required
 * @param organizationId the client organization of a business user; may be null for staff,
 *                       and for business users that belong to no organization
 * @param permissions    the caller's permissions; never null (copied)
 */
public record Actor(ParticipantType type, String userId, String organizationId, Set<String> permissions) {

    /**
     * Validates and trims the ids, and copies {@code permissions}.
     *
     * @throws ValidationException if {@code type} is null, an id is malformed, or
     *                             {@code permissions} contains null
     */
    public Actor {
        Checks.notNull(type, "actor.type");
        userId = Checks.id(userId, "actor.userId");
        organizationId = Checks.optionalId(organizationId, "actor.organizationId");
        if (permissions != null && permissions.stream().anyMatch(java.util.Objects::isNull)) {
            throw dev.txchat.core.ValidationException.of("actor.permissions", "must not contain null");
        }
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
    }

    /** A staff user holding {@code permissions}. */
    public static Actor service(String userId, String... permissions) {
        Checks.notNull(permissions, "actor.permissions");
        for (String permission : permissions) {
            Checks.notNull(permission, "actor.permissions");
        }
        return new Actor(ParticipantType.SERVICE, userId, null, Set.of(permissions));
    }

    /** A user (or API key) of the client organization {@code organizationId}. */
    public static Actor business(String userId, String organizationId) {
        return new Actor(ParticipantType.BUSINESS, userId, organizationId, Set.of());
    }

    /** Whether the actor holds {@code permission}. */
    public boolean hasPermission(String permission) {
        return permissions.contains(permission);
    }

    /** Whether this is a staff (operator side) actor. */
    public boolean isService() {
        return type == ParticipantType.SERVICE;
    }
}
