package dev.txchat.core;

import dev.txchat.core.internal.Ids;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies a participant. Wraps a {@link UUID}; {@link #parse(String)} and
 * {@link #toString()} round-trip. Immutable and thread-safe.
 *
 * @param value the identifier
 */
public record ParticipantId(UUID value) {
    public ParticipantId {
        Objects.requireNonNull(value, "value");
    }

    /** A new random identifier. */
    public static ParticipantId random() {
        return new ParticipantId(UUID.randomUUID());
    }

    /**
     * Parses the form {@link #toString()} produces.
     *
     * @throws ValidationException on field {@code participantId} if {@code text} is null or not a UUID
     */
    public static ParticipantId parse(String text) {
        return new ParticipantId(Ids.parseUuid(text, "participantId"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
