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
     * The default policy: normalizes CRLF to LF, trims, rejects a blank body (also one made
     * only of invisible characters such as zero-width spaces), rejects more than
     * {@value #DEFAULT_MAX_LENGTH} code points, rejects control characters other than newline
     * and tab, unpaired surrogates and bidi overrides, embeddings and isolates, and masks card
     * numbers to their last four digits, as {@code **** 1234}. A card number is detected
     * whatever the script of its digits (fullwidth, Arabic-Indic, Devanagari…) and whatever
     * separators or invisible characters stand between its digit groups; it must fit a card
     * network's prefix and length (13 to 19 digits) and pass the Luhn check. Digits joined to
     * other numbers are masked when a card-grouped part of them is a card ("4111 1111 1111 1111
     * 123"). UUIDs, valid IBANs, UPS tracking numbers, dates and times, and phone numbers
     * written with a leading {@code +} are left unchanged, as are numbers outside the networks'
     * ranges (millisecond timestamps, most order and tracking numbers).
     */
    static ContentPolicy defaults() {
        return DefaultContentPolicy.INSTANCE;
    }
}
