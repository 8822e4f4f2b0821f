package dev.txchat.core;

import dev.txchat.core.spi.MemberScope;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may see a {@link FeedEntry}: the business participants of its conversation and
 * whether staff see it, enough for a host to route the entry to connected users without a
 * query per entry. Immutable.
 *
 * <p>Use {@link #admits(Actor)}, not the id sets alone: a user-level member admits that user
 * in that organization only (or without one, if it has none), so the same user id in another
 * organization is never admitted, exactly as {@link ChatService} decides who may read the
 * conversation.
 *
 * @param members the conversation's active business participants: users (with their
 *                organization, possibly null) and whole organizations (no user id)
 * @param staff   whether staff users (with the viewer permission) see it
 */
public record Audience(Set<ParticipantRef> members, boolean staff) {

    /** Copies {@code members}, which must not be null. */
    public Audience {
        members = Set.copyOf(Objects.requireNonNull(members, "members"));
    }

    /** The user ids of user-level members. */
    public Set<String> userIds() {
        return members.stream().filter(m -> m.userId() != null).map(ParticipantRef::userId)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The organizations of organization-level members: every user of them is admitted. */
    public Set<String> organizationIds() {
        return members.stream().filter(m -> m.userId() == null && m.organizationId() != null)
                .map(ParticipantRef::organizationId).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether {@code actor} may see the entry: a staff actor if {@link #staff()}, a business
     * actor if it is a member itself (same user id and same organization, or both without
     * one) or belongs to a member organization.
     */
    public boolean admits(Actor actor) {
        Objects.requireNonNull(actor, "actor");
        if (actor.isService()) {
            return staff;
        }
        MemberScope scope = new MemberScope(actor.userId(), actor.organizationId());
        return members.stream().anyMatch(m -> scope.admitsMember(m.userId(), m.organizationId()));
    }
}
