package dev.txchat.core;

import dev.txchat.core.internal.Ids;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies a transaction ticket. Wraps a {@link UUID}; {@link #parse(String)} and
 * {@link #toString()} round-trip. Immutable and thread-safe.
 *
 * @param value the identifier
 */
public record TicketId(UUID value) {
    public TicketId {
        Objects.requireNonNull(value, "value");
    }

    /** A new random identifier. */
    public static TicketId random() {
        return new TicketId(UUID.randomUUID());
    }

    /**
     * Parses the form {@link #toString()} produces.
     *
     * @throws ValidationException on field {@code ticketId} if {@code text} is null or not a UUID
     */
    public static TicketId parse(String text) {
        return new TicketId(Ids.parseUuid(text, "ticketId"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
