package dev.txchat.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds payment card numbers (PANs) in free text and masks each to {@code **** } plus its last
 * four digits. Not part of the public API. Stateless, thread-safe, linear in the text, never
 * throws (null in, null out; lone surrogates and unassigned code points are just characters).
 *
 * <p><b>Reading the text.</b>
 * <ul>
 * <li>A <em>digit</em> is a decimal digit of any script ({@code Nd}: ASCII, fullwidth,
 *     Arabic-Indic, Devanagari, Thai, mathematical bold…) or another number worth 0 to 9
 *     ({@code No}: superscripts, circled, parenthesized digits): a reader sees the PAN in all of
 *     them. A <em>group</em> is a maximal string of digits.</li>
 * <li>Letters of any script, letter-like numbers (Ⅳ, ⑩, ½) and spacing marks end a run: words
 *     are what separates unrelated numbers in prose.</li>
 * <li>Anything else is a <em>separator</em>: spaces of any kind (NBSP, U+2007, U+202F, U+3000…),
 *     tab and line breaks, dashes and the minus sign, all punctuation and symbols
 *     ({@code . , / · : * ' + _ ( ) #}, emoji…). Invisible characters ({@code Cf}: ZWSP, ZWNJ,
 *     ZWJ, word joiner, BOM, soft hyphen, LRM/RLM; {@code Mn/Me}: variation selectors, keycap
 *     U+20E3, U+034F; unassigned, private use, lone surrogates, Hangul fillers, braille blank)
 *     are separators that do not count: any number of them may stand anywhere. Between two
 *     groups at most {@value #MAX_VISIBLE_SEPARATORS} visible separators may stand, a stretch of
 *     white space counting as one; more ends the run. Cards are typed with one space or dash,
 *     and {@code "**** "} (five) keeps a mask from joining the number before it.</li>
 * <li>A <em>run</em> is a sequence of groups joined by separators.</li>
 * </ul>
 * A digit string is a <em>card</em> when its length and first digits fit a network of
 * {@link #NETWORKS} (13 to 19 digits) and it passes Luhn. Luhn alone passes any number one time
 * in ten; the networks' ranges keep numbers starting with 0, 1, 7, 9 (but 9792), 20 or 21
 * (epoch milliseconds, ISO dates, most order numbers) from ever being cards.
 *
 * <p><b>Where a card may be.</b> The whole run first: whatever the grouping and the separators,
 * if all its digits are a card the run is masked ({@code 4 1.1​1 1-1…}, {@code ４１１１…}).
 * If the run ends in a group glued to a word ({@code 1111 3DS}) that does not continue its
 * grouping, the run without that group is tried before. Otherwise a card may sit among other
 * numbers ({@code 4111 1111 1111 1111 123}, {@code exp 12/29 5555…}): windows of consecutive
 * groups are tried, longest first, left to right. A one-group window (13–19 digits) always
 * counts. A window of several groups must be typed as cards are printed (groups of four with one
 * separator, the last possibly shorter, or Amex/Diners 4-6-5, 4-6-4), and must not cut a
 * number's own grouping: the group beyond each edge must not continue it (same separator, four
 * digits), and a first group glued to letters ({@code DE89 …}) is not cut off. So USPS
 * {@code 9400 1000 0000 0000 0000 00}, grouped ARNs and IBAN-like codes are never cut into a
 * card-sized piece, as a single group of 20+ digits is never cut; a grouped run of 8, 12…
 * groups of four that is cards end to end is masked card by card.
 *
 * <p><b>Look-alikes excluded</b> (deterministic and narrow; each is a disguise a deliberate
 * attacker could use, which is the price of zero false positives on common identifiers):
 * <ul>
 * <li>UUID-shaped spans (8-4-4-4-12 hex, any case, even all-decimal).</li>
 * <li>IBANs: country code, check digits, the country's length, compact or grouped by single
 *     spaces, passing the ISO 13616 mod-97 check.</li>
 * <li>UPS tracking numbers: {@code 1Z} and 16 characters ending in the UPS check digit.</li>
 * <li>Runs made only of dates (day, month, year of 2 digits or 1900–2099, one of {@code . / -}
 *     twice) and times ({@code h:mm[:ss[.ffffff]]}): {@code 30.06.2024 10:30:00} is not a
 *     14-digit Diners number.</li>
 * <li>A run right after {@code +} with at most 13 digits, or at most 15 not starting with 3, is
 *     an E.164 phone number (German, Austrian, Indonesian mobiles reach 13–14 digits; numbers
 *     of country codes 3x have at most 13, while Amex and Diners all start with 3).</li>
 * </ul>
 *
 * <p><b>Output.</b> The span from the card's first digit to its last (with the combining marks
 * on that digit, such as a keycap) becomes {@code **** } and the last four digits in ASCII; the
 * rest of the text is unchanged. Masking repeats until nothing more is found, so
 * {@code mask(mask(x)).equals(mask(x))} and {@code contains(mask(x))} is false.
 */
public final class CardNumbers {

    /** What replaces a card, followed by its last four digits. */
    static final String MASK_PREFIX = "**** ";
    static final int MIN_PAN = 13;
    static final int MAX_PAN = 19;
    /** Most visible separator characters between two groups of one run. */
    static final int MAX_VISIBLE_SEPARATORS = 4;

    /** An IIN range: PANs whose first digits lie in [low, high] and whose length lies in [minLength, maxLength]. */
    record Iin(String network, int low, int high, int minLength, int maxLength, int prefixLength) {
        Iin(String network, int low, int high, int minLength, int maxLength) {
            this(network, low, high, minLength, maxLength, Integer.toString(low).length());
        }
    }

    /**
     * The card networks' IIN ranges and PAN lengths. Sources: ISO/IEC 7812-1 (major industry
     * identifier) and the networks' published ranges as compiled in Wikipedia, "Payment card
     * number", section "Issuer identification number (IIN)" (retrieved 2025); Mir 2200–2204 per
     * NSPK, Verve and Troy as listed there. Overlapping ranges (Maestro 56–69 covers the
     * 6-series) are kept so {@link #network} can name the more specific one.
     */
    static final List<Iin> NETWORKS = List.of(
            new Iin("Visa", 4, 4, 13, 19),
            new Iin("Mastercard", 51, 55, 16, 16),
            new Iin("Mastercard", 2221, 2720, 16, 16),
            new Iin("American Express", 34, 34, 15, 15),
            new Iin("American Express", 37, 37, 15, 15),
            new Iin("Discover", 6011, 6011, 16, 19),
            new Iin("Discover", 644, 649, 16, 19),
            new Iin("Discover", 65, 65, 16, 19),
            new Iin("Discover", 622126, 622925, 16, 19),
            new Iin("Diners Club", 300, 305, 14, 19),
            new Iin("Diners Club", 36, 36, 14, 19),
            new Iin("Diners Club", 38, 39, 14, 19),
            new Iin("JCB", 3528, 3589, 16, 19),
            new Iin("UnionPay", 62, 62, 16, 19),
            new Iin("UnionPay", 81, 81, 16, 19),
            new Iin("Maestro", 50, 50, 13, 19),
            new Iin("Maestro", 56, 69, 13, 19),
            new Iin("Mir", 2200, 2204, 16, 19),
            new Iin("RuPay", 60, 60, 16, 16),
            new Iin("RuPay", 65, 65, 16, 16),
            new Iin("RuPay", 81, 82, 16, 16),
            new Iin("RuPay", 508, 508, 16, 16),
            new Iin("Troy", 9792, 9792, 16, 16),
            new Iin("Verve", 506099, 506198, 16, 19),
            new Iin("Verve", 650002, 650027, 16, 19));

    /**
     * IBAN length by country (SWIFT IBAN registry, release 2024, plus the French territories
     * that use the FR format). A code not listed gets any length from 15 to 34.
     */
    private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths(
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18"
            + " DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23"
            + " IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20"
            + " MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18"
            + " SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
            + " GF27 GP27 MQ27 RE27 PF27 TF27 YT27 NC27 PM27 WF27 BL27 MF27");

    private static final byte SEPARATOR = 0;
    private static final byte INVISIBLE = 1;
    private static final byte LETTER = 2;
    private static final byte DIGIT = 3;

    private CardNumbers() {
    }

    /** {@code text} with every card number replaced by {@code **** } and its last four digits. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String current = text;
        while (true) {
            // each pass that finds a card replaces 13+ digits by 4, so this ends
            String next = maskOnce(current);
            if (next == current) {
                return current;
            }
            current = next;
        }
    }

    /** Whether {@code text} holds a card number, that is, whether {@link #mask} would change it. */
    public static boolean contains(String text) {
        return text != null && !new Scanner(text).findAll(true).isEmpty();
    }

    /**
     * The network whose range is most specific for {@code digits} (ASCII), if its length and
     * prefix fit one and it passes Luhn, else null.
     */
    static String network(String digits) {
        int[] values = new int[digits.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Character.digit(digits.charAt(i), 10);
            if (values[i] < 0) {
                return null;
            }
        }
        if (!passesLuhn(values, 0, values.length)) {
            return null;
        }
        Iin best = null;
        for (Iin iin : NETWORKS) {
            if (fits(iin, values, 0, values.length) && (best == null || iin.prefixLength() > best.prefixLength())) {
                best = iin;
            }
        }
        return best == null ? null : best.network();
    }

    /** Whether the ASCII {@code digits} pass the Luhn (mod 10) check. */
    static boolean passesLuhn(String digits) {
        int[] values = new int[digits.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = digits.charAt(i) - '0';
        }
        return passesLuhn(values, 0, values.length);
    }

    /** The digit value 0..9 of {@code cp}, or -1 if it is not a digit in the sense of this class. */
    static int digitValue(int cp) {
        if (cp >= '0' && cp <= '9') {
            return cp - '0';
        }
        if (cp < 0x80) {
            return -1;
        }
        int type = Character.getType(cp);
        if (type == Character.DECIMAL_DIGIT_NUMBER) {
            return Character.digit(cp, 10);
        }
        if (type == Character.OTHER_NUMBER) {
            int value = Character.getNumericValue(cp);
            return value >= 0 && value <= 9 ? value : -1;
        }
        return -1;
    }

    private static String maskOnce(String text) {
        List<int[]> cards = new Scanner(text).findAll(false);
        if (cards.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int[] card : cards) {
            out.append(text, copied, card[0]).append(MASK_PREFIX);
            for (int i = 2; i < 6; i++) {
                out.append((char) ('0' + card[i]));
            }
            copied = card[1];
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static byte classify(int cp) {
        if (cp < 0x80) {
            if (cp >= '0' && cp <= '9') {
                return DIGIT;
            }
            if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
                return LETTER;
            }
            return SEPARATOR;
        }
        if (digitValue(cp) >= 0) {
            return DIGIT;
        }
        if (cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800) {
            return INVISIBLE; // Hangul fillers, braille blank: render as nothing
        }
        switch (Character.getType(cp)) {
            case Character.FORMAT, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.SURROGATE,
                 Character.PRIVATE_USE, Character.UNASSIGNED -> {
                return INVISIBLE;
            }
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                 Character.COMBINING_SPACING_MARK -> {
                return LETTER;
            }
            default -> {
                return SEPARATOR;
            }
        }
    }

    private static boolean isPlus(int cp) {
        return cp == '+' || cp == 0xFF0B || cp == 0xFE62;
    }

    private static boolean fits(Iin iin, int[] digits, int from, int length) {
        if (length < iin.minLength() || length > iin.maxLength()) {
            return false;
        }
        int prefix = 0;
        for (int i = 0; i < iin.prefixLength(); i++) {
            prefix = prefix * 10 + digits[from + i];
        }
        return prefix >= iin.low() && prefix <= iin.high();
    }

    /** Whether digits[from, from + length) are the length, prefix and Luhn check of a card. */
    static boolean isCard(int[] digits, int from, int length) {
        if (length < MIN_PAN || length > MAX_PAN) {
            return false;
        }
        for (Iin iin : NETWORKS) {
            if (fits(iin, digits, from, length)) {
                return passesLuhn(digits, from, length);
            }
        }
        return false;
    }

    private static boolean passesLuhn(int[] digits, int from, int length) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = from + length - 1; i >= from; i--) {
            int d = digits[i];
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

    private static Map<String, Integer> ibanLengths(String table) {
        Map<String, Integer> lengths = new HashMap<>();
        for (String entry : table.trim().split(" +")) {
            lengths.put(entry.substring(0, 2), Integer.parseInt(entry.substring(2)));
        }
        return Map.copyOf(lengths);
    }

    /** One pass over one text: its runs of digit groups, and the cards in them. */
    private static final class Scanner {
        private final String text;
        private final boolean[] opaque;
        private final List<int[]> cards = new ArrayList<>();
        private boolean stopAtFirst;

        // the current run: group g spans text[start[g], end[g]) and digits[offset[g], offset[g] + length[g])
        private int size;
        private int[] start = new int[16];
        private int[] end = new int[16];
        private int[] offset = new int[16];
        private int[] length = new int[16];
        private int[] digits = new int[64];
        private int digitCount;
        private boolean leadGlued;
        private boolean trailGlued;
        private boolean plusLed;

        Scanner(String text) {
            this.text = text;
            this.opaque = Exclusions.find(text);
        }

        /** Spans {start, end, last four digits…} of the cards, in order; only the first if {@code first}. */
        List<int[]> findAll(boolean first) {
            stopAtFirst = first;
            int n = text.length();
            int visible = 0;
            boolean inSpace = false;
            boolean inGroup = false;
            byte previous = SEPARATOR;
            for (int i = 0; i < n; ) {
                int cp = text.codePointAt(i);
                byte kind = opaque != null && opaque[i] ? LETTER : classify(cp);
                if (kind == DIGIT) {
                    if (!inGroup) {
                        if (size == 0) {
                            leadGlued = previous == LETTER;
                            trailGlued = false;
                            plusLed = i > 0 && isPlus(text.codePointBefore(i));
                        }
                        startGroup(i);
                        inGroup = true;
                    }
                    addDigit(digitValue(cp));
                } else {
                    if (inGroup) {
                        end[size - 1] = i;
                        inGroup = false;
                        visible = 0;
                    }
                    if (kind == LETTER) {
                        if (size > 0) {
                            trailGlued = previous == DIGIT;
                            endRun();
                        }
                    } else if (kind == SEPARATOR) {
                        boolean space = Character.isWhitespace(cp) || Character.isSpaceChar(cp);
                        if (!(space && inSpace) && ++visible > MAX_VISIBLE_SEPARATORS && size > 0) {
                            endRun();
                        }
                        inSpace = space; // a stretch of white space counts as one separator
                    }
                }
                if (kind == DIGIT || kind == LETTER) {
                    inSpace = false;
                }
                if (stopAtFirst && !cards.isEmpty()) {
                    return cards;
                }
                previous = kind;
                i += Character.charCount(cp);
            }
            if (inGroup) {
                end[size - 1] = n;
            }
            if (size > 0) {
                endRun();
            }
            return cards;
        }

        private void startGroup(int at) {
            if (size == start.length) {
                start = Arrays.copyOf(start, size * 2);
                end = Arrays.copyOf(end, size * 2);
                offset = Arrays.copyOf(offset, size * 2);
                length = Arrays.copyOf(length, size * 2);
            }
            start[size] = at;
            end[size] = at;
            offset[size] = digitCount;
            length[size] = 0;
            size++;
        }

        private void addDigit(int value) {
            if (digitCount == digits.length) {
                digits = Arrays.copyOf(digits, digitCount * 2);
            }
            digits[digitCount++] = value;
            length[size - 1]++;
        }

        private void endRun() {
            evaluateRun();
            size = 0;
            digitCount = 0;
        }

        private void evaluateRun() {
            if (trailGlued && size > 1 && (length[size - 1] != length[size - 2]
                    || (size > 2 && !sameSeparator(size - 2, size - 3))) && isCardSpan(0, size - 2)) {
                // "4111 1111 1111 1111 3DS": digits glued to the front of a word, and not continuing
                // the run's grouping, belong to the word
                addCard(0, size - 2);
                return;
            }
            if (isCardSpan(0, size - 1)) {
                addCard(0, size - 1);
                return;
            }
            List<int[]> cardBlocks = cardBlocks();
            int block = 0;
            int lastMasked = -1;
            for (int first = 0; first < size; first++) {
                if (block < cardBlocks.size() && first == cardBlocks.get(block)[0]) {
                    int[] stretch = cardBlocks.get(block++);
                    for (int g = stretch[0]; g < stretch[1]; g += 4) {
                        addCard(g, g + 3);
                    }
                    lastMasked = stretch[1];
                    first = stretch[1];
                    continue;
                }
                int limit = block < cardBlocks.size() ? cardBlocks.get(block)[0] - 1 : size - 1;
                int total = 0;
                int last = first;
                while (last <= limit && total + length[last] <= MAX_PAN) {
                    total += length[last++];
                }
                // groups first..last-1 hold total <= 19 digits; try the longest window first
                for (last--; last >= first && total >= MIN_PAN; total -= length[last--]) {
                    if ((first != 0 || last != size - 1)
                            && windowAllowed(first, last, lastMasked == first - 1, last == limit)
                            && isCardSpan(first, last)) {
                        addCard(first, last);
                        lastMasked = last;
                        first = last;
                        break;
                    }
                }
                if (stopAtFirst && !cards.isEmpty()) {
                    return;
                }
            }
        }

        /**
         * Stretches {first, last} of 8, 12, 16… groups of four digits with one separator in which
         * every four groups are a card: cards typed one after the other ("4111 1111 1111 1111
         * 5555 5555 5555 4444"), which the rule against cutting a regular grouping would hide.
         */
        private List<int[]> cardBlocks() {
            List<int[]> stretches = List.of();
            for (int g = 0; g < size; ) {
                int e = g;
                while (length[g] == 4 && e + 1 < size && length[e + 1] == 4 && (e == g || sameSeparator(e, g))) {
                    e++;
                }
                int count = e - g + 1;
                boolean cards = count >= 8 && count % 4 == 0;
                for (int b = g; cards && b < e; b += 4) {
                    cards = isCardSpan(b, b + 3);
                }
                if (cards) {
                    if (stretches.isEmpty()) {
                        stretches = new ArrayList<>();
                    }
                    stretches.add(new int[] {g, e});
                }
                g = e + 1;
            }
            return stretches;
        }

        /** Whether groups first..last, a window of a longer run, may be read as one typed number. */
        private boolean windowAllowed(int first, int last, boolean leftIsEdge, boolean rightIsEdge) {
            if (first == last) {
                return true; // a whole group of 13-19 digits
            }
            for (int g = first + 1; g < last; g++) {
                if (!sameSeparator(g, first)) {
                    return false;
                }
            }
            int regular = length[first];
            if (last == first + 2 && regular == 4 && length[first + 1] == 6
                    && (length[last] == 4 || length[last] == 5)) {
                return !(first == 1 && leadGlued && !leftIsEdge); // Amex 4-6-5, Diners 4-6-4: a shape of its own
            }
            if (regular != 4) {
                return false; // cards are printed, and typed, in groups of four
            }
            for (int g = first + 1; g < last; g++) {
                if (length[g] != regular) {
                    return false;
                }
            }
            if (length[last] > regular) {
                return false;
            }
            if (first > 0 && !leftIsEdge) {
                if (first == 1 && leadGlued) {
                    return false; // "DE89 3704…": the digits after a letter-led token belong to it
                }
                if (sameSeparator(first - 1, first) && length[first - 1] == regular) {
                    return false; // would cut a regular grouping: "9400 [1000 0000 0000 0000] 0000 00"
                }
            }
            return rightIsEdge || length[last] < regular || !(sameSeparator(last, first) && length[last + 1] == regular);
        }

        /** Whether the separator after group a equals the separator after group b. */
        private boolean sameSeparator(int a, int b) {
            int lengthA = start[a + 1] - end[a];
            return lengthA == start[b + 1] - end[b] && text.regionMatches(end[a], text, end[b], lengthA);
        }

        private boolean isCardSpan(int first, int last) {
            int from = offset[first];
            int count = offset[last] + length[last] - from;
            if (!isCard(digits, from, count)) {
                return false;
            }
            if (first == 0 && plusLed && (count <= 13 || (count <= 15 && digits[from] != 3))) {
                return false; // an E.164 phone number
            }
            return !isDatesAndTimes(first, last);
        }

        private void addCard(int first, int last) {
            int to = end[last];
            while (to < text.length()) {
                int type = Character.getType(text.codePointAt(to));
                if (type != Character.NON_SPACING_MARK && type != Character.ENCLOSING_MARK) {
                    break;
                }
                to += Character.charCount(text.codePointAt(to));
            }
            int lastDigit = offset[last] + length[last];
            cards.add(new int[] {start[first], to,
                    digits[lastDigit - 4], digits[lastDigit - 3], digits[lastDigit - 2], digits[lastDigit - 1]});
        }

        // ---- dates and times ----

        private boolean isDatesAndTimes(int first, int last) {
            boolean date = false;
            int g = first;
            while (g <= last) {
                if (g + 2 <= last && isDate(g)) {
                    date = true;
                    g += 3;
                } else {
                    int time = timeLength(g, last);
                    if (time == 0) {
                        return false;
                    }
                    g += time;
                }
            }
            return date;
        }

        private boolean isDate(int g) {
            char separator = singleSeparator(g);
            if (".-/\u2010\u2011\u2012\u2013\u2215\uFF0D\uFF0E\uFF0F".indexOf(separator) < 0 || separator != singleSeparator(g + 1)) {
                return false;
            }
            int a = value(g);
            int b = value(g + 1);
            int c = value(g + 2);
            int la = length[g];
            int lb = length[g + 1];
            int lc = length[g + 2];
            if (la == 4 && lb <= 2 && lc <= 2) {
                return isYear(a) && isMonth(b) && isDay(c);
            }
            if (la <= 2 && lb <= 2 && (lc == 4 || lc == 2)) {
                return (lc == 2 || isYear(c)) && ((isDay(a) && isMonth(b)) || (isMonth(a) && isDay(b)));
            }
            return false;
        }

        /** Groups taken by a time h:mm, h:mm:ss or h:mm:ss.fff starting at group g, or 0. */
        private int timeLength(int g, int last) {
            if (g + 1 > last || !isColon(singleSeparator(g)) || length[g] > 2 || value(g) > 24
                    || length[g + 1] != 2 || value(g + 1) > 59) {
                return 0;
            }
            if (g + 2 > last || !isColon(singleSeparator(g + 1)) || length[g + 2] != 2 || value(g + 2) > 60) {
                return 2;
            }
            if (g + 3 <= last && ".,".indexOf(singleSeparator(g + 2)) >= 0 && length[g + 3] <= 6) {
                return 4;
            }
            return 3;
        }

        private static boolean isColon(char c) {
            return c == ':' || c == '\uFF1A';
        }

        /** The separator after group g if it is one character, else a character no check accepts. */
        private char singleSeparator(int g) {
            return start[g + 1] - end[g] == 1 ? text.charAt(end[g]) : '\uFFFF';
        }

        private int value(int g) {
            int v = 0;
            for (int i = offset[g]; i < offset[g] + Math.min(length[g], 9); i++) {
                v = v * 10 + digits[i];
            }
            return v;
        }

        private static boolean isYear(int v) {
            return v >= 1900 && v <= 2099;
        }

        private static boolean isMonth(int v) {
            return v >= 1 && v <= 12;
        }

        private static boolean isDay(int v) {
            return v >= 1 && v <= 31;
        }
    }

    /** UUID- and IBAN-shaped spans, which are never read as digits. */
    private static final class Exclusions {
        private Exclusions() {
        }

        /** For each char of text, whether it is inside an excluded span; null if none is. */
        static boolean[] find(String text) {
            boolean[] opaque = null;
            int n = text.length();
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (!isAsciiLetterOrDigit(c) || (i > 0 && Character.isLetterOrDigit(text.codePointBefore(i)))) {
                    continue;
                }
                int spanEnd = uuidEnd(text, i);
                if (spanEnd < 0) {
                    spanEnd = ibanEnd(text, i);
                }
                if (spanEnd < 0) {
                    spanEnd = upsEnd(text, i);
                }
                if (spanEnd > 0) {
                    if (opaque == null) {
                        opaque = new boolean[n];
                    }
                    Arrays.fill(opaque, i, spanEnd, true);
                    i = spanEnd - 1;
                }
            }
            return opaque;
        }

        private static int uuidEnd(String text, int from) {
            int to = from + 36;
            if (to > text.length() || (to < text.length() && Character.isLetterOrDigit(text.codePointAt(to)))) {
                return -1;
            }
            for (int i = from; i < to; i++) {
                int at = i - from;
                char c = text.charAt(i);
                if (at == 8 || at == 13 || at == 18 || at == 23) {
                    if (c != '-') {
                        return -1;
                    }
                } else if (!(isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                    return -1;
                }
            }
            return to;
        }

        private static int ibanEnd(String text, int from) {
            int n = text.length();
            if (from + 4 > n || !isAsciiLetter(text.charAt(from)) || !isAsciiLetter(text.charAt(from + 1))
                    || !isAsciiDigit(text.charAt(from + 2)) || !isAsciiDigit(text.charAt(from + 3))) {
                return -1;
            }
            String country = text.substring(from, from + 2).toUpperCase(Locale.ROOT);
            Integer known = IBAN_LENGTHS.get(country);
            int maxBban = known != null ? known - 4 : 30;
            // positions of the BBAN characters, each optionally after one space
            int[] at = new int[maxBban];
            int count = 0;
            int i = from + 4;
            while (count < maxBban) {
                if (i < n && isAsciiLetterOrDigit(text.charAt(i))) {
                    at[count++] = i++;
                } else if (i + 1 < n && Character.getType(text.charAt(i)) == Character.SPACE_SEPARATOR
                        && isAsciiLetterOrDigit(text.charAt(i + 1))) {
                    at[count++] = i + 1;
                    i += 2;
                } else {
                    break;
                }
            }
            int minBban = known != null ? known - 4 : 11;
            for (int length = count; length >= minBban; length--) {
                int after = at[length - 1] + 1;
                if (after < n && Character.isLetterOrDigit(text.codePointAt(after))) {
                    continue; // glued to more characters: not where this IBAN ends
                }
                if (mod97(text, from, at, length) == 1) {
                    return after;
                }
            }
            return -1;
        }

        /**
         * A UPS tracking number: 1Z, then 16 letters or digits (optionally grouped by single
         * spaces) whose last is the UPS check digit of the 15 before it.
         */
        private static int upsEnd(String text, int from) {
            int n = text.length();
            if (from + 18 > n || text.charAt(from) != '1' || (text.charAt(from + 1) | 0x20) != 'z') {
                return -1;
            }
            int sum = 0;
            int i = from + 2;
            for (int k = 0; k < 16; k++) {
                if (i < n && text.charAt(i) == ' ') {
                    i++;
                }
                if (i >= n || !isAsciiLetterOrDigit(text.charAt(i))) {
                    return -1;
                }
                char c = text.charAt(i++);
                int v = isAsciiDigit(c) ? c - '0' : (Character.toUpperCase(c) - 'A' + 2) % 10;
                if (k == 15) {
                    if (!isAsciiDigit(c) || (10 - sum % 10) % 10 != v) {
                        return -1;
                    }
                } else {
                    sum += k % 2 == 0 ? v : 2 * v;
                }
            }
            return i < n && Character.isLetterOrDigit(text.codePointAt(i)) ? -1 : i;
        }

        /** ISO 13616: BBAN, then country and check digits, letters as 10..35, mod 97. */
        private static int mod97(String text, int from, int[] bban, int length) {
            int rest = 0;
            for (int k = 0; k < length + 4; k++) {
                char c = k < length ? text.charAt(bban[k]) : text.charAt(from + k - length);
                int v = Character.digit(c, 36);
                rest = v < 10 ? (rest * 10 + v) % 97 : (rest * 100 + v) % 97;
            }
            return rest;
        }

        private static boolean isAsciiLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isAsciiLetterOrDigit(char c) {
            return isAsciiLetter(c) || isAsciiDigit(c);
        }
    }
}
