package dev.txchat.core.spi;

import dev.txchat.core.ConversationId;
import java.time.Instant;
import java.util.Objects;

/**
 * One change-feed entry as a store keeps it, encoded by the core. A store persists the
 * strings as given and never interprets them.
 *
 * @param position       the entry's feed position, 0 until the store has sequenced it
 * @param conversationId the conversation it concerns (the feed's aggregate, and its Kafka key)
 * @param type           the event type, e.g. {@code MessagePosted}
 * @param payload        the event as a JSON object
 * @param audience       who may see it, as a JSON object
 * @param committedAt    when the unit of work that wrote it ran
 */
public record FeedRecord(long position, ConversationId conversationId, String type, String payload, String audience,
                         Instant committedAt) {
    public FeedRecord {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(committedAt, "committedAt");
    }
}
