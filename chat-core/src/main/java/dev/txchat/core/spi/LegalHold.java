package dev.txchat.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * An active legal hold on a conversation: while it exists nothing of the conversation is
 * removed, by a purge or any other call. Immutable.
 *
 * @param reason   why (a matter or subpoena reference), at most 1000 characters
 * @param placedAt when it was placed
 * @param placedBy the user id of the staff member who placed it
 */
public record LegalHold(String reason, Instant placedAt, String placedBy) {
    public LegalHold {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(placedAt, "placedAt");
        Objects.requireNonNull(placedBy, "placedBy");
    }
}
