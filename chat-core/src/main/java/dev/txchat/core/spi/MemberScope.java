package dev.txchat.core.spi;

import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantType;
import java.util.Objects;

/**
 * Restricts a conversation query to the conversations a business actor is in. A
 * conversation is in scope when one of its <em>active</em> BUSINESS participants either
 * <ul>
 *   <li>is the user: same {@code userId} and the same {@code organizationId} (both null,
 *       or equal). A user is identified by both: the same user id in another organization,
 *       or without one, is another person, exactly as transaction chats are keyed by
 *       (transaction, user id, organization id); or</li>
 *   <li>is the user's whole organization: null {@code userId} and {@code organizationId}
 *       equal to the actor's (non-null) organization.</li>
 * </ul>
 * Stores must implement exactly {@link #admits(Participant)}.
 *
 * @param userId         the business user
 * @param organizationId the user's organization, or null
 */
public record MemberScope(String userId, String organizationId) {
    public MemberScope {
        Objects.requireNonNull(userId, "userId");
    }

    /** Whether {@code p} makes its conversation visible to this business user. */
    public boolean admits(Participant p) {
        if (!p.isActive() || p.type() != ParticipantType.BUSINESS) {
            return false;
        }
        return admitsMember(p.userId(), p.organizationId());
    }

    /**
     * Whether an active business member with this user id (null: the whole organization) and
     * organization makes its conversation visible to this business user. The one place the
     * rule is written in Java; the JDBI store's SQL mirrors it.
     */
    public boolean admitsMember(String memberUserId, String memberOrganizationId) {
        if (memberUserId != null) {
            return memberUserId.equals(userId) && Objects.equals(memberOrganizationId, organizationId);
        }
        return organizationId != null && organizationId.equals(memberOrganizationId);
    }
}
