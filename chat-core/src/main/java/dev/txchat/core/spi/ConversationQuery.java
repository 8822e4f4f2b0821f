package dev.txchat.core.spi;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Participant;
import java.util.Objects;

/**
 * Which conversations a store lists or counts. A conversation matches when all hold:
 * <ul>
 *   <li>{@code filter.includeDeleted()} or its status is OPEN;</li>
 *   <li>{@code filter.kind()} is null or equal;</li>
 *   <li>{@code filter.transactionId()} is null or equal;</li>
 *   <li>if {@code filter.participantId()} or {@code filter.participantType()} is set: some
 *       <em>active</em> participant has user id or organization id equal to the
 *       participant id (when set) and that type (when set);</li>
 *   <li>{@code member} is null or {@link MemberScope#admits admits} one of its participants.</li>
 * </ul>
 * {@link #matches} states the same in Java for in-memory stores.
 *
 * @param filter the caller's filter, already normalized by the core
 * @param member the business actor's scope, or null for staff
 */
public record ConversationQuery(ConversationFilter filter, MemberScope member) {
    public ConversationQuery {
        Objects.requireNonNull(filter, "filter");
    }

    /** Whether {@code c} matches this query. */
    public boolean matches(StoredConversation c) {
        var conversation = c.conversation();
        if (!filter.includeDeleted() && conversation.status() != ConversationStatus.OPEN) {
            return false;
        }
        if (filter.kind() != null && filter.kind() != conversation.kind()) {
            return false;
        }
        if (filter.transactionId() != null && !filter.transactionId().equals(conversation.transactionId())) {
            return false;
        }
        if ((filter.participantId() != null || filter.participantType() != null)
                && conversation.participants().stream().noneMatch(this::matchesParticipantFilter)) {
            return false;
        }
        return member == null || conversation.participants().stream().anyMatch(member::admits);
    }

    private boolean matchesParticipantFilter(Participant p) {
        if (!p.isActive()) {
            return false;
        }
        String id = filter.participantId();
        boolean idMatches = id == null || id.equals(p.userId()) || id.equals(p.organizationId());
        return idMatches && (filter.participantType() == null || filter.participantType() == p.type());
    }
}
