package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;
import java.text.Normalizer;

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
        if (value == null || isBlankOrInvisible(value)) {
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
        if (isBlankOrInvisible(trimmed)) {
            throw ValidationException.of(field, "must not be blank");
        }
        if (hasInvisibleFormatting(trimmed)) {
            // "acme" and "acme\u200B" would look alike and be two organizations
            throw ValidationException.of(field, "must not contain invisible or text-reordering characters");
        }
        if (!Normalizer.isNormalized(trimmed, Normalizer.Form.NFC)) {
            // "café" typed precomposed or as "cafe" + U+0301 would be two ids that look the same
            throw ValidationException.of(field, "must be in Unicode normalization form C (NFC)");
        }
        if (CardNumbers.contains(trimmed)) {
            throw ValidationException.of(field, "must not contain a card number");
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
        if (isBlankOrInvisible(trimmed)) {
            throw ValidationException.of(field, "must not be blank");
        }
        if (hasBidiControl(trimmed)) {
            throw ValidationException.of(field, BIDI_MESSAGE);
        }
        return CardNumbers.mask(trimmed);
    }

    /** What a field holding a bidi override, embedding or isolate is told. */
    public static final String BIDI_MESSAGE =
            "must not contain characters that reorder displayed text (bidi overrides, embeddings, isolates)";

    /**
     * Whether {@code text} shows nothing: every code point is whitespace, a space or line
     * separator (NBSP, ideographic space…), a format character (zero-width space, joiners,
     * BOM, soft hyphen, bidi controls), a combining mark with nothing to combine with, a
     * control character, or one of the fillers that render as blank (Hangul fillers,
     * braille blank…). Empty text is blank.
     */
    public static boolean isBlankOrInvisible(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (!isInvisible(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /** Whether the code point renders as nothing, or as blank space. */
    public static boolean isInvisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isISOControl(cp)) {
            return true;
        }
        switch (Character.getType(cp)) {
            // not UNASSIGNED: this JVM's Unicode may predate a character (🫠 is Unicode 14)
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.FORMAT, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK,
                 Character.PRIVATE_USE -> {
                return true;
            }
            default -> {
                return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 // Hangul fillers
                        || cp == 0x2800                                                // braille blank
                        || cp == 0x180E || cp == 0x17B4 || cp == 0x17B5;
            }
        }
    }

    /**
     * Whether {@code text} holds a bidirectional override, embedding or isolate
     * (U+202A..U+202E, U+2066..U+2069): characters that make text display in another order
     * than it is stored, so that "10.00" can be shown as "00.01".
     */
    public static boolean hasBidiControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an identifier holds a format character (zero-width characters, BOM, bidi
     * controls, soft hyphen…) or a blank filler: these make two different ids look the same.
     */
    static boolean hasInvisibleFormatting(String id) {
        int previous = -1;
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            int next = i + Character.charCount(cp) < id.length() ? id.codePointAt(i + Character.charCount(cp)) : -1;
            boolean emojiJoiner = cp == ZERO_WIDTH_JOINER && isPictographic(previous) && isPictographic(next);
            boolean emojiPresentation = (cp == 0xFE0E || cp == 0xFE0F) && isPictographic(previous);
            if (!emojiJoiner && !emojiPresentation && (Character.getType(cp) == Character.FORMAT
                    || (Character.isSpaceChar(cp) && cp != ' ')
                    || isDefaultIgnorableMark(cp)
                    || (isInvisible(cp) && !isMark(cp) && cp != ' ')
                    || (previous == -1 && isMark(cp)))) {
                return true;
            }
            if (!isMark(cp)) {
                previous = cp; // variation selectors (VS16) sit between an emoji and its joiner
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    /**
     * Marks that change nothing visible: combining grapheme joiner, variation selectors,
     * Mongolian free variation selectors, Khmer inherent vowels. {@code acme} followed by one
     * of them looks exactly like {@code acme}.
     */
    private static boolean isDefaultIgnorableMark(int cp) {
        return cp == 0x034F || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F)
                || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }

    private static final int ZERO_WIDTH_JOINER = 0x200D;

    /** An emoji-like symbol, which a zero-width joiner may legitimately join ("👩‍💻"). */
    private static boolean isPictographic(int cp) {
        return cp >= 0 && (Character.getType(cp) == Character.OTHER_SYMBOL
                || Character.getType(cp) == Character.MODIFIER_SYMBOL);
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
