package dev.txchat.core.spi;

import dev.txchat.core.internal.DefaultContentPolicy;

/**
 * Turns a submitted message body into the body to store, or rejects it with a
 * {@link dev.txchat.core.ValidationException} on field {@code body}. Implementations must
 * be thread-safe and deterministic.
 */
@FunctionalInterface
public interface ContentPolicy {

    /** Longest body {@link #defaults()} accepts, in Unicode code points after trimming. */
    int DEFAULT_MAX_LENGTH = 4000;

    /**
     * The body to store.
     *
     * @throws dev.txchat.core.ValidationException on field {@code body} if it is rejected
     */
    String apply(String body);

    /**
     * The default policy: normalizes CRLF to LF, trims, rejects a blank body, rejects more
     * than {@value #DEFAULT_MAX_LENGTH} code points, rejects control characters other
     * than newline and tab and unpaired surrogates, and masks card numbers (13 to 19
     * digits, optionally grouped by spaces or dashes, passing the Luhn check) to their
     * last four digits, as {@code **** 1234}.
     */
    static ContentPolicy defaults() {
        return DefaultContentPolicy.INSTANCE;
    }
}
