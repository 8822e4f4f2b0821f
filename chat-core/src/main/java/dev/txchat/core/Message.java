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
 */
public record Message(MessageId id, ConversationId conversationId, long sequence, ParticipantId senderId,
                      ParticipantType sentByType, String authorUserId, String body, Instant createdAt,
                      Instant readAt, String clientMessageId) {
    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(senderId, "senderId");
        Objects.requireNonNull(sentByType, "sentByType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the other side has read it. */
    public boolean isRead() {
        return readAt != null;
    }
}
