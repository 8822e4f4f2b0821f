package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The transaction details a ticket keeps, as the host's ledger gave them but safe to store:
 * card numbers masked in keys and values, and bounded so every store can hold them. Details
 * come from the host, not from the chat's users, yet they reach storage, events and staff
 * screens like any other text; a violation is a {@link ValidationException} on
 * {@code details}.
 */
final class TicketDetails {
    /** Most entries a ticket keeps. */
    static final int MAX_ENTRIES = 100;
    /** Longest key, in code points. */
    static final int MAX_KEY_LENGTH = 200;
    /** Longest value, in code points. */
    static final int MAX_VALUE_LENGTH = 4000;
    /** Most code points in all keys and values together: well inside every store's column, escaped as JSON. */
    static final int MAX_TOTAL_LENGTH = 50_000;

    private TicketDetails() {
    }

    static Map<String, String> sanitize(Map<String, String> details) {
        if (details == null || details.isEmpty()) {
            return Map.of();
        }
        if (details.size() > MAX_ENTRIES) {
            throw ValidationException.of("details", "must have at most " + MAX_ENTRIES + " entries");
        }
        long total = 0;
        for (Map.Entry<String, String> e : details.entrySet()) {
            total += e.getKey() == null ? 0 : e.getKey().length();
            total += e.getValue() == null ? 0 : e.getValue().length();
        }
        if (total > MAX_TOTAL_LENGTH * 2L) {
            // UTF-16 length is at most twice the code points: cheap early refusal of huge maps
            throw ValidationException.of("details", "must hold at most " + MAX_TOTAL_LENGTH + " characters in all");
        }
        Map<String, String> safe = new LinkedHashMap<>();
        details.forEach((key, value) -> {
            if (key == null || Checks.isBlankOrInvisible(key)) {
                throw ValidationException.of("details", "keys must not be blank");
            }
            String cleanKey = clean(key, MAX_KEY_LENGTH);
            String cleanValue = value == null ? "" : clean(value, MAX_VALUE_LENGTH);
            if (safe.put(cleanKey, cleanValue) != null) {
                throw ValidationException.of("details", "keys must be distinct after masking");
            }
        });
        long codePoints = safe.entrySet().stream()
                .mapToLong(e -> e.getKey().codePointCount(0, e.getKey().length())
                        + e.getValue().codePointCount(0, e.getValue().length()))
                .sum();
        if (codePoints > MAX_TOTAL_LENGTH) {
            throw ValidationException.of("details", "must hold at most " + MAX_TOTAL_LENGTH + " characters in all");
        }
        return Map.copyOf(safe);
    }

    private static String clean(String text, int maxLength) {
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw ValidationException.of("details", "keys must be at most " + MAX_KEY_LENGTH
                    + " and values at most " + MAX_VALUE_LENGTH + " characters");
        }
        if (Checks.hasControlOrLoneSurrogate(text, true)) {
            throw ValidationException.of("details", "must not contain control characters or unpaired surrogates");
        }
        if (Checks.hasBidiControl(text)) {
            throw ValidationException.of("details", Checks.BIDI_MESSAGE);
        }
        return CardNumbers.mask(text);
    }
}
