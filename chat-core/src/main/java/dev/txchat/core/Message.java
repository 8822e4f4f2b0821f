package dev.txchat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored message. Immutable.
 *
 * @param id              the message id
 * @param conversationId  the conversation it belongs to
 * @param sequence        1, 2, 3, … within the conversation, with no gaps
 * @param senderId        the participant it was sent as (an account participant in account threads)
 * @param sentByType      the sender's side
 * @param authorUserId    the human (or API key) who wrote it, kept for audit
 * @param body            the stored text, after the content policy
 * @param createdAt       when it was stored
 * @param readAt          when the other side marked it read, or null
 * @param clientMessageId the client's idempotency key, or null
 * @param editedAt        when its author last edited it, or null
 * @param redactedAt      when it was redacted, or null; a redacted message is a tombstone whose body is empty
 */
public record Message(MessageId id, ConversationId conversationId, long sequence, ParticipantId senderId,
                      ParticipantType sentByType, String authorUserId, String body, Instant createdAt,
                      Instant readAt, String clientMessageId, Instant editedAt, Instant redactedAt) {
    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(senderId, "senderId");
        Objects.requireNonNull(sentByType, "sentByType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A message never edited nor redacted (how it is when posted). */
    public Message(MessageId id, ConversationId conversationId, long sequence, ParticipantId senderId,
                   ParticipantType sentByType, String authorUserId, String body, Instant createdAt, Instant readAt,
                   String clientMessageId) {
        this(id, conversationId, sequence, senderId, sentByType, authorUserId, body, createdAt, readAt,
                clientMessageId, null, null);
    }

    /** Whether it was redacted: participants see a tombstone (an empty body). */
    public boolean isRedacted() {
        return redactedAt != null;
    }

    /** Whether its author edited it. */
    public boolean isEdited() {
        return editedAt != null;
    }

    /** Whether the other side has read it. */
    public boolean isRead() {
        return readAt != null;
    }
}
