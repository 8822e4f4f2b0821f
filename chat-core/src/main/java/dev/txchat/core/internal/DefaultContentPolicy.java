package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ContentPolicy;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link ContentPolicy#defaults()}. Stateless and thread-safe. */
public enum DefaultContentPolicy implements ContentPolicy {
    INSTANCE;

    /**
     * 13 to 19 digits, single spaces or dashes allowed between them. The run must not touch
     * a letter, nor another digit even across one separator, so IBANs, longer account
     * numbers and phone numbers are not cut into card-sized pieces.
     */
    private static final Pattern CARD_CANDIDATE = Pattern.compile(
            "(?<![\\p{L}\\p{Nd}])(?<!\\p{Nd}[ -])\\d(?:[ -]?\\d){12,18}(?![ -]?\\p{Nd})(?!\\p{L})");

    static final String MASK_PREFIX = "**** ";

    @Override
    public String apply(String body) {
        if (body == null) {
            throw ValidationException.of("body", "is required");
        }
        String text = body.replace("\r\n", "\n").strip();
        if (text.isEmpty()) {
            throw ValidationException.of("body", "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > DEFAULT_MAX_LENGTH) {
            throw ValidationException.of("body", "must be at most " + DEFAULT_MAX_LENGTH + " characters");
        }
        if (Checks.hasControlOrLoneSurrogate(text, true)) {
            throw ValidationException.of("body",
                    "must not contain control characters other than newline and tab, nor unpaired surrogates");
        }
        return maskCardNumbers(text);
    }

    /** Replaces every Luhn-valid 13–19 digit run with {@code **** } and its last four digits. */
    public static String maskCardNumbers(String text) {
        Matcher m = CARD_CANDIDATE.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String digits = m.group().replaceAll("[ -]", "");
            if (!passesLuhn(digits)) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(MASK_PREFIX).append(digits, digits.length() - 4, digits.length());
            last = m.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }

    static boolean passesLuhn(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    @Override
    public String toString() {
        return "ContentPolicy.defaults()";
    }
}
