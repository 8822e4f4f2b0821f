package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;
import java.util.UUID;

/** Parsing of identifiers, shared by the id records. Not part of the public API. */
public final class Ids {
    private Ids() {
    }

    public static UUID parseUuid(String text, String field) {
        if (text == null || text.isBlank()) {
            throw ValidationException.of(field, "must not be blank");
        }
        try {
            UUID uuid = UUID.fromString(text.trim());
            // UUID.fromString accepts short forms such as "1-1-1-1-1"; only the canonical form round-trips
            if (!uuid.toString().equalsIgnoreCase(text.trim())) {
                throw ValidationException.of(field, "must be a UUID in canonical form");
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw ValidationException.of(field, "must be a UUID");
        }
    }
}
