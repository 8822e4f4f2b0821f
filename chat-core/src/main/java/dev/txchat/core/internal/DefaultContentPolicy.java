package dev.txchat.core.internal;

import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ContentPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link ContentPolicy#defaults()}. Stateless and thread-safe. */
public enum DefaultContentPolicy implements ContentPolicy {
    INSTANCE;

    /**
     * A run of digit groups joined by single spaces or dashes, as card numbers are written
     * ("4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005"). Greedy, so each match
     * is maximal: it never starts or ends next to another digit.
     */
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d+(?:[ -]\\d+)*");
    private static final Pattern SEPARATOR = Pattern.compile("[ -]");
    private static final int MIN_PAN = 13;
    private static final int MAX_PAN = 19;

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

    /**
     * Replaces card numbers with {@code **** } and their last four digits. A digit run whose
     * digits, 13 to 19 of them, pass the Luhn check is a card number. Otherwise, unless the
     * run touches a letter (IBANs, tracking codes), the card may sit inside a longer run next
     * to other numbers ("4111 1111 1111 1111 123", "exp 12/29 5555555555554444"): consecutive
     * groups of the run are tried, longest first, and every Luhn-valid window of 13 to 19
     * digits is masked. A single group longer than 19 digits is an account or reference
     * number and is never cut into card-sized pieces.
     */
    public static String maskCardNumbers(String text) {
        Matcher run = DIGIT_RUN.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (run.find()) {
            List<int[]> masks = cardsIn(text, run.start(), run.end());
            for (int[] mask : masks) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                String digits = SEPARATOR.matcher(text.substring(mask[0], mask[1])).replaceAll("");
                out.append(text, copied, mask[0]).append(MASK_PREFIX).append(digits, digits.length() - 4, digits.length());
                copied = mask[1];
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** The [start, end) spans of card numbers inside the digit run text[runStart, runEnd). */
    private static List<int[]> cardsIn(String text, int runStart, int runEnd) {
        List<int[]> groups = new ArrayList<>();
        Matcher group = Pattern.compile("\\d+").matcher(text).region(runStart, runEnd);
        while (group.find()) {
            groups.add(new int[] {group.start(), group.end()});
        }
        String all = digitsOf(text, groups, 0, groups.size() - 1);
        if (all.length() >= MIN_PAN && all.length() <= MAX_PAN && passesLuhn(all)) {
            return List.of(new int[] {runStart, runEnd});
        }
        boolean touchesLetter = (runStart > 0 && Character.isLetter(text.codePointBefore(runStart)))
                || (runEnd < text.length() && Character.isLetter(text.codePointAt(runEnd)));
        if (touchesLetter || groups.size() < 2) {
            return List.of();
        }
        List<int[]> cards = new ArrayList<>();
        for (int first = 0; first < groups.size(); first++) {
            for (int last = groups.size() - 1; last >= first; last--) {
                String digits = digitsOf(text, groups, first, last);
                if (digits.length() >= MIN_PAN && digits.length() <= MAX_PAN && passesLuhn(digits)) {
                    cards.add(new int[] {groups.get(first)[0], groups.get(last)[1]});
                    first = last;
                    break;
                }
            }
        }
        return cards;
    }

    private static String digitsOf(String text, List<int[]> groups, int first, int last) {
        StringBuilder digits = new StringBuilder();
        for (int i = first; i <= last; i++) {
            digits.append(text, groups.get(i)[0], groups.get(i)[1]);
        }
        return digits.toString();
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
