package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;

/**
 * Argument checks that turn bad input into a {@link ValidationException} naming the field.
 * Not part of the public API.
 */
public final class Checks {
    /** Longest user, organization, transaction or client message id accepted. */
    public static final int MAX_ID_LENGTH = 128;
    /** Longest conversation subject accepted. */
    public static final int MAX_SUBJECT_LENGTH = 200;

    private Checks() {
    }

    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw ValidationException.of(field, "is required");
        }
        return value;
    }

    /** A required identifier: not blank, at most {@link #MAX_ID_LENGTH}, no control characters; returned trimmed. */
    public static String id(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ValidationException.of(field, "must not be blank");
        }
        return optionalId(value, field);
    }

    /** An optional identifier: null stays null, blank becomes null, otherwise as {@link #id}. */
    public static String optionalId(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > MAX_ID_LENGTH) {
            throw ValidationException.of(field, "must be at most " + MAX_ID_LENGTH + " characters");
        }
        if (hasControlOrLoneSurrogate(trimmed, false)) {
            throw ValidationException.of(field, "must not contain control characters");
        }
        return trimmed;
    }

    /** An optional subject: blank becomes null, otherwise at most {@link #MAX_SUBJECT_LENGTH}, single line. */
    public static String optionalSubject(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_SUBJECT_LENGTH) {
            throw ValidationException.of(field, "must be at most " + MAX_SUBJECT_LENGTH + " characters");
        }
        if (hasControlOrLoneSurrogate(trimmed, false)) {
            throw ValidationException.of(field, "must not contain control characters");
        }
        return trimmed;
    }

    /**
     * Whether {@code text} has an ISO control character (newline and tab allowed when
     * {@code allowNewlineAndTab}) or an unpaired UTF-16 surrogate, which no database
     * encoding can store and read back unchanged.
     */
    public static boolean hasControlOrLoneSurrogate(String text, boolean allowNewlineAndTab) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (allowNewlineAndTab && (c == '\n' || c == '\t')) {
                    continue;
                }
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
