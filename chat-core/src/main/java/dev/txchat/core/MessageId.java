package dev.txchat.core;

import dev.txchat.core.internal.Ids;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies a message. Wraps a {@link UUID}; {@link #parse(String)} and
 * {@link #toString()} round-trip. Immutable and thread-safe.
 *
 * @param value the identifier
 */
public record MessageId(UUID value) {
    public MessageId {
        Objects.requireNonNull(value, "value");
    }

    /** A new random identifier. */
    public static MessageId random() {
        return new MessageId(UUID.randomUUID());
    }

    /**
     * Parses the form {@link #toString()} produces.
     *
     * @throws ValidationException on field {@code messageId} if {@code text} is null or not a UUID
     */
    public static MessageId parse(String text) {
        return new MessageId(Ids.parseUuid(text, "messageId"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
