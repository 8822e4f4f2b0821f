package dev.txchat.core;

import java.util.Objects;

/**
 * The result of recomputing a conversation's audit chain ({@link ChatService#verifyAudit}).
 * Immutable.
 *
 * @param conversationId   the conversation
 * @param valid            whether every entry's hash and link matched and every stored text matched its entry
 * @param entriesChecked   how many audit entries were recomputed
 * @param messagesChecked  how many messages (with all their stored versions) were compared with the chain
 * @param firstBadSequence the sequence of the first audit entry that does not match (for a message whose
 *                         text no longer matches: the entry that recorded that text; for a missing entry:
 *                         its sequence; 0 when a stored message or version is in no entry at all), or null
 *                         when valid
 * @param problem          what did not match, in words, or null when valid
 */
public record AuditVerification(ConversationId conversationId, boolean valid, long entriesChecked,
                                long messagesChecked, Long firstBadSequence, String problem) {
    public AuditVerification {
        Objects.requireNonNull(conversationId, "conversationId");
        if (valid != (firstBadSequence == null && problem == null)) {
            throw new IllegalArgumentException("a valid result has no bad entry and no problem, an invalid one both");
        }
    }
}
