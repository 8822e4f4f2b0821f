package dev.txchat.core;

import dev.txchat.core.internal.Ids;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies a conversation. Wraps a {@link UUID}; {@link #parse(String)} and
 * {@link #toString()} round-trip. Immutable and thread-safe.
 *
 * @param value the identifier
 */
public record ConversationId(UUID value) {
    public ConversationId {
        Objects.requireNonNull(value, "value");
    }

    /** A new random identifier. */
    public static ConversationId random() {
        return new ConversationId(UUID.randomUUID());
    }

    /**
     * Parses the form {@link #toString()} produces.
     *
     * @throws ValidationException on field {@code conversationId} if {@code text} is null or not a UUID
     */
    public static ConversationId parse(String text) {
        return new ConversationId(Ids.parseUuid(text, "conversationId"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
