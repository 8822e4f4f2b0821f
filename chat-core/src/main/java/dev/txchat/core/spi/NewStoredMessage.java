package dev.txchat.core.spi;

import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import java.time.Instant;
import java.util.Objects;

/**
 * A message to append; the store allocates its sequence.
 *
 * @param id              the new message's id
 * @param conversationId  the conversation
 * @param senderId        the sending participant
 * @param sentByType      the sender's side
 * @param authorUserId    the human who wrote it
 * @param body            the body, already through the content policy
 * @param clientMessageId idempotency key, or null
 * @param createdAt       the time to store
 */
public record NewStoredMessage(MessageId id, ConversationId conversationId, ParticipantId senderId,
                               ParticipantType sentByType, String authorUserId, String body, String clientMessageId,
                               Instant createdAt) {
    public NewStoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(senderId, "senderId");
        Objects.requireNonNull(sentByType, "sentByType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
