package dev.txchat.core.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds payment card numbers (PANs) in free text and masks each to {@code **** } plus its last
 * four digits. Not part of the public API. Stateless, thread-safe, never throws (null in, null
 * out; lone surrogates and unassigned code points are just characters), linear in the text.
 * Security comes first: where a rule that would spare a look-alike could also spare a card
 * written the usual ways, the look-alike is masked and the rate measured
 * ({@code CardNumbersFalsePositiveTest} prints every figure as a {@code masking:} line).
 *
 * <p><b>Reading the text.</b>
 * <ul>
 * <li>A <em>digit</em> is a decimal digit of any script ({@code Nd}: ASCII, fullwidth,
 *     Arabic-Indic, Devanagari, Thai, mathematical bold…), including the blocks Unicode added
 *     after Java 17's Unicode 13 ({@link #NEWER_DIGIT_ZEROS}: Tangsa, Kawi, Nag Mundari, Garay,
 *     Sunuwar, Gurung Khema, Kirat Rai, Ol Onal, outlined digits, Tolong Siki…, which Java reads as
 *     unassigned); another number worth 0 to 9 ({@code No}: superscripts, circled, Kaktovik zero
 *     to nine); and the CJK numerals {@code 〇 零 一 二 三 四 五 六 七 八 九}. A <em>group</em> is a
 *     maximal string of digits; a CJK numeral next to a digit of another script starts a new
 *     group ({@code 第一4111…}), so it never hides a card it touches.</li>
 * <li>Letters of any script, letter-like numbers (Ⅳ, ⑩, ½) and spacing marks end a run: words
 *     are what separates unrelated numbers in prose.</li>
 * <li>Anything else is a <em>separator</em>: spaces of any kind (NBSP, U+2007, U+202F, U+3000…),
 *     tab and line breaks, dashes and the minus sign, all punctuation and symbols
 *     ({@code . , / · : * ' + _ ( ) #}, emoji…), and HTML character references ({@code &nbsp;},
 *     {@code &ndash;}, {@code &#160;}, {@code &#x20;}: {@code &} and 2–8 letters or digits, or
 *     {@code &#} and a decimal or hex number, then {@code ;}), one separator each, white space if
 *     they stand for white space. Invisible characters ({@code Cf}: ZWSP, ZWNJ, ZWJ, word joiner,
 *     BOM, soft hyphen, LRM/RLM; {@code Mn/Me}: variation selectors, keycap U+20E3, U+034F;
 *     unassigned, private use, lone surrogates, Hangul fillers, braille blank; {@code &shy;},
 *     {@code &zwj;}…) and HTML tags of at most {@value #MAX_TAG_LENGTH} characters
 *     ({@code <b>}, {@code </span>}, {@code <br/>}) are separators that do not count: any number
 *     of them may stand anywhere. Between two groups at most {@value #MAX_VISIBLE_SEPARATORS}
 *     visible separators may stand, a stretch of white space counting as one; more ends the run
 *     ({@code **4111** **1111**…}, {@code 4111 ---- 1111…} and {@code 4111🔒🔒🔒🔒🔒1111…} are
 *     runs).</li>
 * <li>A <em>run</em> is a sequence of groups joined by separators. Its <em>list markers</em> are
 *     the groups of one or two ASCII digits that open a line and are followed by {@code .} or
 *     {@code )} and a space ({@code 1) 4111\n2) 1111…}).</li>
 * </ul>
 * A digit string is a <em>card</em> when its length and first digits fit a network of
 * {@link #NETWORKS} (13 to 19 digits) and it passes Luhn. Luhn alone passes any number one time
 * in ten; the networks' ranges keep numbers starting with 0, 1, 7, 9 (but 9792), 20 or 21
 * (epoch milliseconds, ISO dates, most order numbers) from ever being cards.
 *
 * <p><b>Where a card may be.</b> The whole run first: whatever the grouping and the separators,
 * if all its digits are a card the run is masked ({@code 4 1.1​1 1-1…}, {@code ４１１１…}). If the
 * run ends in a group glued to a word ({@code 1111 3DS}) that does not continue its grouping,
 * the run without that group is tried instead. Then every <em>window</em> of consecutive groups
 * that is typed as cards are printed is tried, wherever it sits in the run, whatever stands
 * before or after it ({@code 2024 4111 1111 1111 1111}, {@code 4111-1111-1111-1111-0926},
 * {@code 1234 4111 1111 1111 1111 5678}): a whole group of 13–19 digits (a single group of 20+
 * digits is never cut); groups of four joined by one and the same separator, the last possibly
 * shorter; Amex/Diners 4-6-5 and 4-6-4. Windows that overlap are masked as one span, so no digit
 * of any of them stays; cards that follow each other are masked one by one. A run with list
 * markers is read a second time without them, each marker joining the separator around it.
 * Inside a token shaped like an IBAN (two ASCII letters, two digits, then letters and digits)
 * that is no valid IBAN, the digits are read as an IBAN is printed (groups of four after the
 * country code and check digits) and as its whole BBAN, so {@code ZZ214111111111111111} is
 * masked, and {@code QQ32 4111 1111 1111 1111} like any other run; inside a token shaped like a
 * UPS number ({@code 1Z} and 16 characters) whose check digit fails, the 16 characters are read
 * for a card at their start, or ending just before or at the last ({@code 1Z3782822463100050}).
 *
 * <p><b>Look-alikes excluded</b> (deterministic and narrow):
 * <ul>
 * <li>UUID-shaped spans (8-4-4-4-12 hex, any case, even all-decimal) and tokens of exactly 32
 *     hex digits (UUIDs without dashes, MD5 digests).</li>
 * <li>Valid IBANs, whole, whatever their digits hold: an ISO 3166 code of the SWIFT IBAN registry
 *     ({@code IBAN_LENGTHS}; ZZ, QQ, XY are none), that country's exact length, compact or
 *     grouped by single spaces, the ISO 13616 mod-97 check ({@code DE89 3704 0044 0532 0130 00}).
 *     A token with an unknown country, the wrong length or a failing check is no IBAN and is read
 *     as above.</li>
 * <li>Valid USPS tracking numbers (IMpb), whole: 20 or 22 ASCII digits starting with 91 to 95,
 *     compact or grouped by four with single spaces (22: the last group of two), the last digit
 *     the USPS mod-10 check digit (the other digits from the right weighted 3, 1, 3…; the check
 *     digit brings the sum to a multiple of ten), no other group of digits joined to it by one
 *     space before or after. Valid UPS numbers, whole: {@code 1Z} and 16 letters or digits,
 *     optionally grouped by single spaces, the last the UPS check digit of the 15 before it
 *     ({@code 1Z999AA10123456784}).</li>
 * <li>Runs made only of dates (day, month, year of 2 digits or 1900–2099, one of {@code . / -}
 *     twice) and times ({@code h:mm[:ss[.ffffff]]}): {@code 30.06.2024 10:30:00} is not a
 *     14-digit Diners number.</li>
 * <li>A window right after a {@code +} (itself not after a digit) with at most 13 digits, or at
 *     most 15 not starting with 3, is an E.164 phone number (German, Austrian, Indonesian mobiles
 *     reach 13–14 digits; numbers of country codes 3x have at most 13, while Amex and Diners all
 *     start with 3).</li>
 * <li>Shapes no one types a card in: {@code ddd-ddddddd-ddddddd} (Amazon order),
 *     {@code dd-dd-dd dddddddd} (UK sort code and account), {@code ddddddddd ddddddddd} (US
 *     routing and account): exactly those groups, those separators.</li>
 * <li>Keywords earlier on the same line (at most {@value #KEYWORD_REACH} characters back): 15
 *     digits, in any grouping, after the word IMEI, unless they start with 34 or 37 (no IMEI
 *     does, every Amex does); a single group of 13 digits with a valid EAN-13 check digit after
 *     EAN, GTIN, barcode, SKU or UPC. A TAC prefix alone (35, 86, 01, 49…) proves nothing and
 *     excludes nothing.</li>
 * <li>17 digits glued to a final {@code X} with a birth date 1900–2099 at digits 7–14 and the
 *     ISO 7064 MOD 11-2 check character X: a Chinese resident id.</li>
 * </ul>
 *
 * <p><b>Known residue.</b> Masked although not cards (measured, asserted as upper bounds):
 * USPS-shaped numbers whose check digit fails (mistyped, or made up) one of whose windows is a
 * card, Chinese resident ids ending in a digit and South African id numbers (18 and 13 digits
 * with a check digit, written as a card of that length is), Brazilian CNPJs, sentences joining
 * 2–3 amounts or numbers across {@code &ndash;} or list items, epoch micro/nanosecond stamps of
 * late 2039–2040. Not masked although a reader could rebuild a card: a card inside one group of
 * 20+ digits or glued inside a longer alphanumeric token (but invalid IBAN and UPS shapes),
 * inside a UUID or a 32-hex token, typed in one of the three excluded shapes, after IMEI/EAN
 * keywords as above, spread over runs broken by a letter or by more than
 * {@value #MAX_VISIBLE_SEPARATORS} visible separators, digits written as numeric character
 * references ({@code &#52;}), and CJK financial numerals (壹 贰 叁…). And, deliberately and
 * narrowly, a card inside a valid IBAN, a valid USPS number or a valid UPS number as above: the
 * product keeps IBANs and tracking numbers as they are, and real ones hold a card-shaped window
 * often (about 6 % of generated IBANs, 8 % of those with all-digit BBANs, 9 % of USPS numbers
 * grouped by four), while hiding a card so takes computing a valid check around it on purpose
 * (mod 97 for an IBAN, mod 10 for USPS and UPS, in an exact length and shape), which no one who
 * mistypes or pastes a card does by chance.
 *
 * <p><b>Output.</b> The span from the card's first digit to its last (with the combining marks
 * on that digit, such as a keycap) becomes {@code **** } and the last four digits in ASCII; the
 * rest of the text is unchanged. Cards inside invalid IBAN- and UPS-shaped tokens are masked
 * in a pass of their own. Masking repeats until nothing more is found (each pass replaces 13 or
 * more digits by 4, so it ends), so {@code mask(mask(x)).equals(mask(x))} and
 * {@code contains(mask(x))} is false.
 */
public final class CardNumbers {

    /** What replaces a card, followed by its last four digits. */
    static final String MASK_PREFIX = "**** ";
    static final int MIN_PAN = 13;
    static final int MAX_PAN = 19;
    /** Most visible separator characters between two groups of one run. */
    static final int MAX_VISIBLE_SEPARATORS = 8;
    /** Longest HTML tag ({@code <b>}, {@code </span>}, {@code <br/>}) read as an invisible separator. */
    static final int MAX_TAG_LENGTH = 32;

    /**
     * The zero of each block of decimal digits ({@code Nd}) that Unicode added after version 13,
     * the last that Java 17 knows: Java reads these code points as unassigned. Sources: the
     * Unicode 14.0–17.0 code charts and {@code DerivedNumericType.txt}; each block holds the
     * digits 0 to 9 in order.
     */
    static final int[] NEWER_DIGIT_ZEROS = {
            0x16AC0, // Tangsa (14.0)
            0x11F50, // Kawi (15.0)
            0x1E4F0, // Nag Mundari (15.0)
            0x10D40, // Garay (16.0)
            0x116D0, // Myanmar Extended-C: Pao (16.0)
            0x116DA, // Myanmar Extended-C: Eastern Pwo Karen (16.0)
            0x11BF0, // Sunuwar (16.0)
            0x16130, // Gurung Khema (16.0)
            0x16D70, // Kirat Rai (16.0)
            0x1CCF0, // Outlined digits, Symbols for Legacy Computing Supplement (16.0)
            0x1E5F1, // Ol Onal (16.0)
            0x11DE0, // Tolong Siki (17.0)
            0x1D2C0, // Kaktovik numerals zero to nine (15.0, No; ten to nineteen are read as letters)
    };

    /** CJK numerals read as digits: 〇 and 零 are 0, 一 to 九 are 1 to 9. */
    static final String CJK_DIGITS = "\u3007\u4E00\u4E8C\u4E09\u56DB\u4E94\u516D\u4E03\u516B\u4E5D";
    private static final int CJK_ZERO_ALT = 0x96F6; // 零

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
     * IBAN length by country: the ISO 3166 codes of the SWIFT IBAN registry (release 2024), with
     * the French territories its FR entry names. A code not listed (ZZ, QQ, XY…) is no IBAN.
     */
    private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths(
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18"
            + " DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23"
            + " IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20"
            + " MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18"
            + " SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
            + " GF27 GP27 MQ27 RE27 PF27 TF27 YT27 NC27 PM27 WF27 BL27 MF27");

    /** Digits of a USPS IMpb tracking number: 20 (older labels) or 22. */
    private static final int USPS_SHORT = 20;
    private static final int USPS_LONG = 22;

    private static final byte SEPARATOR = 0;
    private static final byte INVISIBLE = 1;
    private static final byte LETTER = 2;
    private static final byte DIGIT = 3;

    /** Words after which, on the same line, a 15-digit number is an IMEI. */
    private static final Set<String> IMEI_WORDS = Set.of("imei");
    /** Words after which, on the same line, a 13-digit number with a valid EAN check digit is a barcode. */
    private static final Set<String> EAN_WORDS = Set.of("ean", "gtin", "barcode", "sku", "upc");
    /** Named HTML character references that render as white space, and as nothing. */
    private static final Set<String> SPACE_ENTITIES = Set.of("nbsp", "ensp", "emsp", "emsp13", "emsp14", "thinsp",
            "hairsp", "numsp", "puncsp", "tab", "newline", "medium");
    private static final Set<String> INVISIBLE_ENTITIES = Set.of("shy", "zwj", "zwnj", "lrm", "rlm", "nobreak");
    /** How far back, at most, a keyword is looked for on the line of a number. */
    static final int KEYWORD_REACH = 256;

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
        return text != null && !new Scanner(text, false).findAll(true).isEmpty();
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
        if (cp >= 0x3007 && cp <= 0x96F6) {
            int cjk = CJK_DIGITS.indexOf(cp);
            if (cjk >= 0) {
                return cjk;
            }
            if (cp == CJK_ZERO_ALT) {
                return 0;
            }
        }
        if (cp >= 0x10000) {
            for (int zero : NEWER_DIGIT_ZEROS) {
                if (cp >= zero && cp <= zero + 9) {
                    return cp - zero;
                }
            }
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

    private static boolean isCjkDigit(int cp) {
        return cp == CJK_ZERO_ALT || (cp >= 0x3007 && CJK_DIGITS.indexOf(cp) >= 0);
    }

    private static String maskOnce(String text) {
        List<int[]> cards = new Scanner(text, false).findAll(false);
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
        if (cp >= 0x1D2CA && cp <= 0x1D2D3) {
            return LETTER; // Kaktovik numerals ten to nineteen: numbers, not digits, like ⑩
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

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isLineBreak(int cp) {
        return cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
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

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiLetter(c) || isAsciiDigit(c);
    }

    /** Whether a letter or digit stands at {@code at} (false past the end). */
    private static boolean gluedAt(String text, int at) {
        return at < text.length() && Character.isLetterOrDigit(text.codePointAt(at));
    }

    /** Cards found by scanning {@code scanned}, whose char k stands at {@code map[k]} of the original text. */
    private static List<int[]> cardsIn(String scanned, int[] map) {
        List<int[]> cards = new Scanner(scanned, true).findAll(false);
        List<int[]> mapped = new ArrayList<>(cards.size());
        for (int[] card : cards) {
            int[] copy = card.clone();
            copy[0] = map[card[0]];
            copy[1] = map[card[1] - 1] + 1;
            mapped.add(copy);
        }
        return mapped;
    }

    /** Cards sorted by start, overlapping ones merged into one keeping the last four of the one ending last. */
    private static List<int[]> merged(List<int[]> cards) {
        if (cards.size() < 2) {
            return cards;
        }
        List<int[]> sorted = new ArrayList<>(cards);
        sorted.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        List<int[]> out = new ArrayList<>();
        int[] current = sorted.get(0).clone();
        for (int[] card : sorted.subList(1, sorted.size())) {
            if (card[0] < current[1]) {
                if (card[1] > current[1]) {
                    int start = current[0];
                    current = card.clone();
                    current[0] = start;
                }
            } else {
                out.add(current);
                current = card.clone();
            }
        }
        out.add(current);
        return out;
    }

    /** One pass over one text: its runs of digit groups, and the cards in them. */
    private static final class Scanner {
        private final String text;
        /** Scanning the inside of an invalid IBAN- or UPS-shaped token: no exclusions, no keywords. */
        private final boolean nested;
        private boolean[] opaque;
        private final List<int[]> cards = new ArrayList<>();
        private boolean stopAtFirst;

        // the current run: group g spans text[start[g], end[g]) and digits[offset[g], offset[g] + length[g]);
        // gap[g] is the separator after group g as compared: invisibles dropped, a stretch of white space
        // as one space, a character reference as itself, a dropped list marker as N
        private int size;
        private int[] start = new int[16];
        private int[] end = new int[16];
        private int[] offset = new int[16];
        private int[] length = new int[16];
        private String[] gap = new String[16];
        private int[] digits = new int[64];
        private int digitCount;
        /** Whether group g is a list marker: 1 or 2 digits opening a line, then {@code .} or {@code )} and a space. */
        private boolean[] marker = new boolean[16];
        private boolean trailGlued;

        Scanner(String text, boolean nested) {
            this.text = text;
            this.nested = nested;
        }

        /** Spans {start, end, last four digits…} of the cards, in order; only the first if {@code first}. */
        List<int[]> findAll(boolean first) {
            if (!nested) {
                Exclusions exclusions = Exclusions.find(text);
                if (!exclusions.cards.isEmpty()) {
                    // cards inside invalid IBAN- and UPS-shaped tokens are masked first; the next pass finds the rest
                    return first ? exclusions.cards.subList(0, 1) : exclusions.cards;
                }
                opaque = exclusions.opaque;
            }
            stopAtFirst = first;
            int n = text.length();
            int visible = 0;
            boolean inSpace = false;
            boolean inGroup = false;
            boolean groupCjk = false;
            boolean lineStart = true;
            byte previous = SEPARATOR;
            StringBuilder separator = new StringBuilder();
            for (int i = 0; i < n; ) {
                int cp = text.codePointAt(i);
                int units = Character.charCount(cp);
                byte kind;
                boolean space = false;
                boolean lineBreak = false;
                int special;
                String entity = null;
                if (opaque != null && opaque[i]) {
                    kind = LETTER;
                } else if (cp == '&' && (special = entityLength(i)) > 0) {
                    units = special;
                    entity = text.substring(i + 1, i + special - 1);
                    kind = entityKind(entity);
                    space = kind == SEPARATOR && isSpaceEntity(entity);
                } else if (cp == '<' && (special = tagLength(i)) > 0) {
                    units = special;
                    kind = INVISIBLE;
                } else {
                    kind = classify(cp);
                    space = kind == SEPARATOR && isSpace(cp);
                    lineBreak = isLineBreak(cp);
                }
                if (kind == DIGIT) {
                    boolean cjk = isCjkDigit(cp);
                    if (inGroup && cjk != groupCjk) {
                        // 一 next to 4: a new group, so a CJK numeral never hides a card it touches
                        end[size - 1] = i;
                        inGroup = false;
                        visible = 0;
                        separator.setLength(0);
                    }
                    if (!inGroup) {
                        if (size == 0) {
                            trailGlued = false;
                        } else {
                            gap[size - 1] = separator.toString();
                        }
                        startGroup(i);
                        marker[size - 1] = lineStart && !cjk && listMarkerLength(i) > 0;
                        inGroup = true;
                        groupCjk = cjk;
                    }
                    addDigit(digitValue(cp));
                } else {
                    if (inGroup) {
                        end[size - 1] = i;
                        inGroup = false;
                        visible = 0;
                        separator.setLength(0);
                    }
                    if (kind == LETTER) {
                        if (size > 0) {
                            trailGlued = previous == DIGIT;
                            endRun();
                        }
                        separator.setLength(0);
                    } else if (kind == SEPARATOR) {
                        if (!(space && inSpace) && ++visible > MAX_VISIBLE_SEPARATORS && size > 0) {
                            endRun();
                            separator.setLength(0);
                        }
                        if (space) {
                            if (!inSpace) {
                                separator.append(' ');
                            }
                        } else if (entity != null) {
                            separator.append('&').append(entity.toLowerCase(Locale.ROOT)).append(';');
                        } else {
                            separator.appendCodePoint(cp);
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
                if (lineBreak) {
                    lineStart = true;
                } else if (!(kind == INVISIBLE || (space && entity == null) || (kind == DIGIT && marker[size - 1]))) {
                    lineStart = false;
                }
                previous = kind;
                i += units;
            }
            if (inGroup) {
                end[size - 1] = n;
            }
            if (size > 0) {
                endRun();
            }
            return cards;
        }

        /** Length of an HTML character reference at i ({@code &nbsp;}, {@code &#160;}, {@code &#x20;}), else 0. */
        private int entityLength(int i) {
            int n = text.length();
            int j = i + 1;
            if (j < n && text.charAt(j) == '#') {
                boolean hex = j + 1 < n && (text.charAt(j + 1) | 0x20) == 'x';
                j += hex ? 2 : 1;
                int from = j;
                while (j < n && j - from < 8 && Character.digit(text.charAt(j), hex ? 16 : 10) >= 0
                        && text.charAt(j) < 0x80) {
                    j++;
                }
                return j > from && j < n && text.charAt(j) == ';' ? j + 1 - i : 0;
            }
            int from = j;
            while (j < n && j - from < 8 && isAsciiLetterOrDigit(text.charAt(j))) {
                j++;
            }
            return j - from >= 2 && isAsciiLetter(text.charAt(from)) && j < n && text.charAt(j) == ';' ? j + 1 - i : 0;
        }

        /** How a character reference reads: white space and most references as separators, a few as nothing. */
        private static byte entityKind(String entity) {
            if (entity.charAt(0) == '#') {
                int cp = decodedReference(entity);
                return cp >= 0 && classify(cp) == INVISIBLE ? INVISIBLE : SEPARATOR;
            }
            return INVISIBLE_ENTITIES.contains(entity.toLowerCase(Locale.ROOT)) ? INVISIBLE : SEPARATOR;
        }

        private static boolean isSpaceEntity(String entity) {
            if (entity.charAt(0) == '#') {
                int cp = decodedReference(entity);
                return cp >= 0 && isSpace(cp);
            }
            return SPACE_ENTITIES.contains(entity.toLowerCase(Locale.ROOT));
        }

        private static int decodedReference(String entity) {
            boolean hex = entity.length() > 1 && (entity.charAt(1) | 0x20) == 'x';
            long cp = Long.parseLong(entity.substring(hex ? 2 : 1), hex ? 16 : 10);
            return cp <= Character.MAX_CODE_POINT ? (int) cp : -1;
        }

        /** Length of an HTML tag at i ({@code <b>}, {@code </b>}, {@code <br/>}) of at most MAX_TAG_LENGTH, else 0. */
        private int tagLength(int i) {
            int n = text.length();
            int j = i + 1;
            if (j < n && text.charAt(j) == '/') {
                j++;
            }
            if (j >= n || !isAsciiLetter(text.charAt(j))) {
                return 0;
            }
            int limit = Math.min(n, i + MAX_TAG_LENGTH);
            for (j++; j < limit; j++) {
                char c = text.charAt(j);
                if (c == '>') {
                    return j + 1 - i;
                }
                if (c == '<' || c == '\n' || c == '\r') {
                    return 0;
                }
            }
            return 0;
        }

        /** Length of a list marker ({@code 1.} or {@code 12)} before a space) at the start of a line, else 0. */
        private int listMarkerLength(int i) {
            int n = text.length();
            int j = i;
            while (j < n && j - i < 3 && isAsciiDigit(text.charAt(j))) {
                j++;
            }
            if (j - i > 2 || j + 1 >= n || (text.charAt(j) != '.' && text.charAt(j) != ')')) {
                return 0;
            }
            char after = text.charAt(j + 1);
            return after == ' ' || after == '\t' || after == '\u00A0' ? j + 1 - i : 0;
        }

        private void startGroup(int at) {
            if (size == start.length) {
                start = Arrays.copyOf(start, size * 2);
                end = Arrays.copyOf(end, size * 2);
                offset = Arrays.copyOf(offset, size * 2);
                length = Arrays.copyOf(length, size * 2);
                gap = Arrays.copyOf(gap, size * 2);
                marker = Arrays.copyOf(marker, size * 2);
            }
            start[size] = at;
            end[size] = at;
            offset[size] = digitCount;
            length[size] = 0;
            gap[size] = "";
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
            int before = cards.size();
            evaluateGroups();
            int markers = 0;
            for (int g = 0; g < size; g++) {
                markers += marker[g] ? 1 : 0;
            }
            if (markers > 0 && markers < size && !(stopAtFirst && cards.size() > before)) {
                // "1) 4111\n2) 1111\n3) 1111\n4) 1111": the run once more without its list markers
                withoutMarkers();
                evaluateGroups();
            }
            if (cards.size() - before > 1) {
                List<int[]> found = merged(cards.subList(before, cards.size()));
                cards.subList(before, cards.size()).clear();
                cards.addAll(found);
            }
        }

        /** Drops the list-marker groups from the run; the separator of a dropped group joins the one before it. */
        private void withoutMarkers() {
            int kept = 0;
            int digitsKept = 0;
            boolean lastDropped = marker[size - 1];
            for (int g = 0; g < size; g++) {
                if (marker[g]) {
                    if (kept > 0) {
                        gap[kept - 1] = gap[kept - 1] + "N" + gap[g];
                    }
                    continue;
                }
                start[kept] = start[g];
                end[kept] = end[g];
                gap[kept] = gap[g];
                marker[kept] = false;
                System.arraycopy(digits, offset[g], digits, digitsKept, length[g]);
                offset[kept] = digitsKept;
                length[kept] = length[g];
                digitsKept += length[g];
                kept++;
            }
            size = kept;
            digitCount = digitsKept;
            trailGlued &= !lastDropped;
        }

        private void evaluateGroups() {
            int limit = size - 1;
            List<int[]> windows = new ArrayList<>();
            if (trailGlued && size > 1 && (length[size - 1] != length[size - 2]
                    || (size > 2 && !sameSeparator(size - 2, size - 3))) && isCandidate(0, size - 2)) {
                // "4111 1111 1111 1111 3DS": digits glued to the front of a word, and not continuing
                // the run's grouping, belong to the word
                windows.add(new int[] {0, size - 2});
                limit = size - 2;
            } else if (isCandidate(0, size - 1)) {
                addCard(0, size - 1); // the whole run, whatever its grouping
                return;
            }
            // windows typed as cards are printed, wherever they sit in the run
            for (int first = 0; first <= limit; first++) {
                int len = length[first];
                if (len >= MIN_PAN && len <= MAX_PAN && isCandidate(first, first)) {
                    windows.add(new int[] {first, first}); // a whole group of 13-19 digits
                }
                if (len == 4 && first + 2 <= limit && length[first + 1] == 6
                        && (length[first + 2] == 4 || length[first + 2] == 5)
                        && sameSeparator(first + 1, first) && isCandidate(first, first + 2)) {
                    windows.add(new int[] {first, first + 2}); // Amex 4-6-5, Diners 4-6-4
                }
                if (len == 4) {
                    // groups of four with one separator, the last possibly shorter
                    int total = 4;
                    for (int last = first + 1; last <= limit && length[last] <= 4 && sameSeparator(last - 1, first);
                         last++) {
                        total += length[last];
                        if (total > MAX_PAN) {
                            break;
                        }
                        if (total >= MIN_PAN && isCandidate(first, last)) {
                            windows.add(new int[] {first, last});
                        }
                        if (length[last] < 4) {
                            break;
                        }
                    }
                }
            }
            // overlapping windows are masked as one, so no digit of any of them stays
            for (int w = 0; w < windows.size(); ) {
                int first = windows.get(w)[0];
                int last = windows.get(w)[1];
                for (w++; w < windows.size() && windows.get(w)[0] <= last; w++) {
                    last = Math.max(last, windows.get(w)[1]);
                }
                addCard(first, last);
                if (stopAtFirst) {
                    return;
                }
            }
        }

        /** Whether the separator after group a equals the separator after group b. */
        private boolean sameSeparator(int a, int b) {
            return gap[a].equals(gap[b]);
        }

        private boolean isCandidate(int first, int last) {
            return isCardSpan(first, last) && !isOtherIdentifier(first, last);
        }

        private boolean isCardSpan(int first, int last) {
            int from = offset[first];
            int count = offset[last] + length[last] - from;
            if (!isCard(digits, from, count)) {
                return false;
            }
            if (isPlusLed(first) && (count <= 13 || (count <= 15 && digits[from] != 3))) {
                return false; // an E.164 phone number
            }
            return !isDatesAndTimes(first, last);
        }

        /** Whether group g follows a plus sign that does not itself follow a digit ({@code +49…}, not {@code 12+49}). */
        private boolean isPlusLed(int g) {
            int at = start[g];
            if (at == 0 || !isPlus(text.codePointBefore(at))) {
                return false;
            }
            int plus = at - Character.charCount(text.codePointBefore(at));
            return plus == 0 || digitValue(text.codePointBefore(plus)) < 0;
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

        // ---- identifiers of other kinds, told apart by their shape or a keyword ----

        private boolean isOtherIdentifier(int first, int last) {
            int groups = last - first + 1;
            int count = offset[last] + length[last] - offset[first];
            if (groups == 3 && length[first] == 3 && length[first + 1] == 7 && length[first + 2] == 7
                    && gap[first].equals("-") && gap[first + 1].equals("-")) {
                return true; // Amazon order number 402-3444497-4050373
            }
            if (groups == 4 && length[first] == 2 && length[first + 1] == 2 && length[first + 2] == 2
                    && length[last] == 8 && gap[first].equals("-") && gap[first + 1].equals("-")
                    && gap[first + 2].equals(" ")) {
                return true; // UK sort code and account number 40-98-35 45784349
            }
            if (groups == 2 && length[first] == 9 && length[last] == 9 && gap[first].equals(" ")) {
                return true; // US routing and account number 616659857 247156557
            }
            int lead = digits[offset[first]] * 10 + digits[offset[first] + 1];
            if (count == 15 && lead != 34 && lead != 37 && keywordBefore(start[first], IMEI_WORDS)) {
                return true; // IMEI 490154203237518 (never an Amex: no IMEI starts with 34 or 37)
            }
            if (groups == 1 && count == 13 && isEan13(offset[first]) && keywordBefore(start[first], EAN_WORDS)) {
                return true; // SKU 6902482944411
            }
            return groups == 1 && count == 17 && isChineseIdEndingInX(first);
        }

        private boolean isEan13(int from) {
            int sum = 0;
            for (int i = 0; i < 13; i++) {
                sum += digits[from + i] * (i % 2 == 0 ? 1 : 3);
            }
            return sum % 10 == 0;
        }

        /** 17 digits glued to a final X: a Chinese resident id (birth date, ISO 7064 MOD 11-2 check X). */
        private boolean isChineseIdEndingInX(int g) {
            int after = end[g];
            if (after >= text.length() || (text.charAt(after) | 0x20) != 'x' || gluedAt(text, after + 1)) {
                return false;
            }
            int from = offset[g];
            int year = 0;
            for (int i = 6; i < 10; i++) {
                year = year * 10 + digits[from + i];
            }
            int month = digits[from + 10] * 10 + digits[from + 11];
            int day = digits[from + 12] * 10 + digits[from + 13];
            if (!isYear(year) || !isMonth(month) || !isDay(day)) {
                return false;
            }
            int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
            int sum = 0;
            for (int i = 0; i < 17; i++) {
                sum += digits[from + i] * weights[i];
            }
            return sum % 11 == 2; // the check character of remainder 2 is X
        }

        /** Whether one of {@code words} (letters only, any case) stands earlier on the line of {@code at}. */
        private boolean keywordBefore(int at, Set<String> words) {
            if (nested) {
                return false;
            }
            int stop = Math.max(0, at - KEYWORD_REACH);
            int wordEnd = -1;
            int i = at;
            while (i > stop) {
                int cp = text.codePointBefore(i);
                if (isLineBreak(cp)) {
                    break;
                }
                int before = i - Character.charCount(cp);
                if (Character.isLetter(cp)) {
                    if (wordEnd < 0) {
                        wordEnd = i;
                    }
                } else if (wordEnd >= 0) {
                    if (words.contains(text.substring(i, wordEnd).toLowerCase(Locale.ROOT))) {
                        return true;
                    }
                    wordEnd = -1;
                }
                i = before;
            }
            return wordEnd >= 0 && words.contains(text.substring(i, wordEnd).toLowerCase(Locale.ROOT));
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

    /**
     * Spans that are never read as digits (UUIDs, 32-hex-digit ids, valid IBANs, valid USPS and
     * UPS tracking numbers), and the cards found inside IBAN- and UPS-shaped tokens whose check
     * fails.
     */
    private static final class Exclusions {
        /** For each char of the text, whether it is inside an excluded span; null if none is. */
        private boolean[] opaque;
        private List<int[]> cards = List.of();

        private Exclusions() {
        }

        static Exclusions find(String text) {
            Exclusions found = new Exclusions();
            int n = text.length();
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (!isAsciiLetterOrDigit(c) || (i > 0 && Character.isLetterOrDigit(text.codePointBefore(i)))) {
                    continue;
                }
                int spanEnd = uuidEnd(text, i);
                if (spanEnd < 0) {
                    spanEnd = hexIdEnd(text, i);
                }
                if (spanEnd < 0 && c == '9') {
                    spanEnd = uspsEnd(text, i);
                }
                if (spanEnd > 0) {
                    found.exclude(text, i, spanEnd);
                    i = spanEnd - 1;
                } else if (isIbanShaped(text, i)) {
                    i = found.iban(text, i) - 1;
                } else if (c == '1' && i + 1 < n && (text.charAt(i + 1) | 0x20) == 'z') {
                    i = found.ups(text, i) - 1;
                }
            }
            return found;
        }

        private void exclude(String text, int from, int to) {
            if (opaque == null) {
                opaque = new boolean[text.length()];
            }
            Arrays.fill(opaque, from, to, true);
        }

        private void addCards(List<int[]> found) {
            if (cards.isEmpty()) {
                cards = new ArrayList<>();
            }
            cards.addAll(found);
        }

        /**
         * An IBAN-shaped token at {@code from}: a valid IBAN is excluded whole, whatever its digits
         * hold; a token that is no valid IBAN (unknown country, wrong length, failing mod-97) is
         * searched for cards as an IBAN would be printed. Returns where to go on.
         */
        private int iban(String text, int from) {
            int valid = validIbanEnd(text, from);
            if (valid > 0) {
                exclude(text, from, valid);
                return valid;
            }
            int to = compactTokenEnd(text, from);
            if (to < 0) {
                return from + 1;
            }
            List<int[]> inside = to - from >= 4 + MIN_PAN ? cardsInIban(text, from, to) : List.of();
            if (!inside.isEmpty()) {
                addCards(inside);
                return to;
            }
            return from + 1; // no IBAN, no card inside it: ordinary text
        }

        /**
         * The cards in the compact token text[from, to) read as an IBAN: its digits as printed
         * (groups of four after the country code and check digits), and the whole BBAN, read as a
         * run of its own.
         */
        private static List<int[]> cardsInIban(String text, int from, int to) {
            StringBuilder printed = new StringBuilder(to - from + 8);
            int[] map = new int[2 * (to - from) + 8];
            for (int p = from; p < to; p++) {
                int k = p - from;
                if (k > 0 && k % 4 == 0) {
                    map[printed.length()] = -1;
                    printed.append(' ');
                }
                map[printed.length()] = p;
                printed.append(k < 4 ? 'X' : text.charAt(p));
            }
            return merged(cardsIn(printed.toString(), map));
        }

        /** Two ASCII letters, two digits: the start of an IBAN (or of something written like one). */
        private static boolean isIbanShaped(String text, int from) {
            return from + 4 <= text.length() && isAsciiLetter(text.charAt(from)) && isAsciiLetter(text.charAt(from + 1))
                    && isAsciiDigit(text.charAt(from + 2)) && isAsciiDigit(text.charAt(from + 3));
        }

        /** The end of the ASCII letters and digits from {@code from} if they end there and are at most 34, else -1. */
        private static int compactTokenEnd(String text, int from) {
            int i = from;
            while (i < text.length() && isAsciiLetterOrDigit(text.charAt(i))) {
                i++;
            }
            return i - from <= 34 && !gluedAt(text, i) ? i : -1;
        }

        /**
         * The end of a valid IBAN at {@code from}: a registry country, its exact length, compact or
         * with single spaces between characters, the ISO 13616 mod-97 check; else -1.
         */
        private static int validIbanEnd(String text, int from) {
            Integer length = IBAN_LENGTHS.get(text.substring(from, from + 2).toUpperCase(Locale.ROOT));
            if (length == null) {
                return -1;
            }
            int n = text.length();
            int bban = length - 4;
            int[] at = new int[bban];
            int count = 0;
            int i = from + 4;
            while (count < bban) {
                if (i < n && isAsciiLetterOrDigit(text.charAt(i))) {
                    at[count++] = i++;
                } else if (i + 1 < n && Character.getType(text.charAt(i)) == Character.SPACE_SEPARATOR
                        && isAsciiLetterOrDigit(text.charAt(i + 1))) {
                    at[count++] = i + 1;
                    i += 2;
                } else {
                    return -1;
                }
            }
            int after = at[bban - 1] + 1;
            return !gluedAt(text, after) && mod97(text, from, at, bban) == 1 ? after : -1;
        }

        /**
         * A UPS-shaped token at {@code from}: 1Z and 16 letters or digits, optionally grouped by
         * single spaces. If the last is the UPS check digit of the 15 before it, the token is a UPS
         * number and excluded whole, whatever its digits hold. Else a card at the start of the 16,
         * or ending just before or at the last character, is masked. Returns where to go on.
         */
        private int ups(String text, int from) {
            int n = text.length();
            int[] at = new int[16];
            int i = from + 2;
            for (int k = 0; k < 16; k++) {
                if (i < n && text.charAt(i) == ' ') {
                    i++;
                }
                if (i >= n || !isAsciiLetterOrDigit(text.charAt(i))) {
                    return from + 1;
                }
                at[k] = i++;
            }
            if (gluedAt(text, i)) {
                return from + 1;
            }
            int[] values = new int[16];
            boolean[] digit = new boolean[16];
            int sum = 0;
            for (int k = 0; k < 16; k++) {
                char c = text.charAt(at[k]);
                digit[k] = isAsciiDigit(c);
                values[k] = digit[k] ? c - '0' : -1;
                if (k < 15) {
                    int v = digit[k] ? values[k] : (Character.toUpperCase(c) - 'A' + 2) % 10;
                    sum += k % 2 == 0 ? v : 2 * v;
                }
            }
            if (digit[15] && (10 - sum % 10) % 10 == values[15]) {
                exclude(text, from, i);
                return i;
            }
            int[] card = null;
            for (int s = 0; s <= 3; s++) {
                for (int e = 16; e >= s + MIN_PAN; e--) {
                    if ((s == 0 || e >= 15) && allDigits(digit, s, e) && isCard(values, s, e - s)
                            && (card == null || at[e - 1] + 1 > card[1])) {
                        int start = card == null ? at[s] : card[0];
                        card = new int[] {start, at[e - 1] + 1, values[e - 4], values[e - 3], values[e - 2], values[e - 1]};
                    }
                }
            }
            if (card != null) {
                addCards(List.of(card));
                return i;
            }
            return from + 1;
        }

        /**
         * The end of a USPS Intelligent Mail package barcode (IMpb) number at {@code from}, else -1:
         * 20 or 22 ASCII digits starting with 91 to 95 (the channel application identifiers),
         * compact or grouped by four (22: five groups of four and one of two) with one space
         * character between groups, the last digit the USPS mod-10 check digit of the others, and
         * no other group of digits joined to it by one space before or after ({@code 1234 9400…}).
         */
        private static int uspsEnd(String text, int from) {
            int n = text.length();
            if (from >= 2 && isSpaceSeparator(text.charAt(from - 1)) && isAsciiDigit(text.charAt(from - 2))) {
                return -1;
            }
            int[] digits = new int[USPS_LONG];
            int count = 0;
            int groups = 0;
            int groupLength = 0;
            boolean grouped = false;
            int i = from;
            while (true) {
                if (i < n && isAsciiDigit(text.charAt(i))) {
                    if (count == USPS_LONG) {
                        return -1;
                    }
                    digits[count++] = text.charAt(i++) - '0';
                    groupLength++;
                } else if (i + 1 < n && isSpaceSeparator(text.charAt(i)) && isAsciiDigit(text.charAt(i + 1))) {
                    if (groupLength != 4) {
                        return -1; // only the last group may be shorter
                    }
                    grouped = true;
                    groups++;
                    groupLength = 0;
                    i++;
                } else {
                    break;
                }
            }
            if (gluedAt(text, i) || (count != USPS_SHORT && count != USPS_LONG) || digits[1] < 1 || digits[1] > 5) {
                return -1;
            }
            if (grouped && groups != count / 4 - (count % 4 == 0 ? 1 : 0)) {
                return -1; // groups of four, the last of four (20 digits) or two (22)
            }
            int sum = 0;
            for (int k = count - 2, weight = 3; k >= 0; k--, weight = 4 - weight) {
                sum += weight * digits[k];
            }
            return (10 - sum % 10) % 10 == digits[count - 1] ? i : -1;
        }

        private static boolean isSpaceSeparator(char c) {
            return Character.getType(c) == Character.SPACE_SEPARATOR;
        }

        private static boolean allDigits(boolean[] digit, int from, int to) {
            for (int k = from; k < to; k++) {
                if (!digit[k]) {
                    return false;
                }
            }
            return true;
        }

        private static int uuidEnd(String text, int from) {
            int to = from + 36;
            if (to > text.length() || gluedAt(text, to)) {
                return -1;
            }
            for (int i = from; i < to; i++) {
                int at = i - from;
                char c = text.charAt(i);
                if (at == 8 || at == 13 || at == 18 || at == 23) {
                    if (c != '-') {
                        return -1;
                    }
                } else if (Character.digit(c, 16) < 0 || c >= 0x80) {
                    return -1;
                }
            }
            return to;
        }

        /** A UUID without dashes, an MD5 digest: exactly 32 hex digits standing alone. */
        private static int hexIdEnd(String text, int from) {
            int i = from;
            while (i < text.length() && i - from <= 32 && text.charAt(i) < 0x80 && Character.digit(text.charAt(i), 16) >= 0) {
                i++;
            }
            return i - from == 32 && !gluedAt(text, i) ? i : -1;
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
    }
}
