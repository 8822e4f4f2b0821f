package dev.txchat.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A user whose processing is restricted (GDPR Art. 18): normal reads hide what they wrote;
 * export and audit keep it. Immutable.
 *
 * @param userId           the restricted user id (as in {@code Actor.userId()} and {@code Message.authorUserId()})
 * @param since            when the restriction was recorded
 * @param pseudonymisedAt  when {@code purgeExpired} replaced the user id with its pseudonym, or null
 */
public record ProcessingRestriction(String userId, Instant since, Instant pseudonymisedAt) {
    public ProcessingRestriction {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(since, "since");
    }
}
