package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Regression examples for {@link CardNumbers}: the PCI test numbers however written, and look-alikes. */
class CardNumbersTest {

    /** The PCI test numbers of every major scheme. */
    static final List<String> PCI_TEST_NUMBERS = List.of(
            "4111111111111111", "4012888888881881", "4222222222222",            // Visa
            "5555555555554444", "5105105105105100", "2221000000000009",         // Mastercard
            "378282246310005", "371449635398431",                               // Amex
            "6011111111111117", "6011000990139424",                             // Discover
            "30569309025904", "38520000023237",                                 // Diners
            "3530111333300000", "3566002020360505",                             // JCB
            "6200000000000005");                                                // UnionPay

    /** How people, and people trying to get around a filter, write a PAN. */
    static final List<Function<String, String>> WRITINGS = List.of(
            pan -> pan,
            pan -> grouped(pan, " "),
            pan -> grouped(pan, "-"),
            pan -> grouped(pan, "."),
            pan -> grouped(pan, "/"),
            pan -> grouped(pan, "\u00A0"),                  // NBSP
            pan -> grouped(pan, "\u2009"),                  // thin space
            pan -> grouped(pan, "\u202F"),                  // narrow NBSP
            pan -> grouped(pan, "\u3000"),                  // ideographic space
            pan -> grouped(pan, "\u200B"),                  // zero-width space: shows as 4111111111111111
            pan -> grouped(pan, "\uFEFF"),                  // BOM
            pan -> grouped(pan, "\u00AD"),                  // soft hyphen
            pan -> grouped(pan, "\u2060"),                  // word joiner
            pan -> grouped(pan, "\u2013"),                  // en dash
            pan -> grouped(pan, "\u2212"),                  // minus sign
            pan -> grouped(pan, " \u200B\u200C\u200D\u2060\uFEFF\u00AD\u200E "), // many invisibles count for nothing
            pan -> grouped(pan, "_"),
            pan -> grouped(pan, ", "),
            pan -> grouped(pan, "\n"),
            pan -> everyDigit(pan, "\u200B"),
            pan -> everyDigit(pan, " "),
            pan -> afterEveryDigit(pan, "\uFE0F\u20E3"),     // keycap emoji digits 4️⃣1️⃣1️⃣1️⃣
            pan -> afterEveryDigit(pan, "\u034F"),          // combining grapheme joiner
            pan -> inScript(pan, 0xFF10),                   // fullwidth
            pan -> grouped(inScript(pan, 0xFF10), "\uFF0D"), // fullwidth digits and hyphen
            pan -> inScript(pan, 0x0660),                   // Arabic-Indic
            pan -> grouped(inScript(pan, 0x06F0), "\u066C"), // Extended Arabic-Indic, Arabic thousands separator
            pan -> inScript(pan, 0x0966),                   // Devanagari
            pan -> inScript(pan, 0x09E6),                   // Bengali
            pan -> inScript(pan, 0x0E50),                   // Thai
            pan -> inScript(pan, 0x1D7CE),                  // mathematical bold (astral)
            pan -> mixedScripts(pan),
            pan -> superscript(pan),
            pan -> circled(pan),
            CardNumbersTest::schemeGrouped);

    static Stream<Arguments> writtenCards() {
        List<Arguments> cases = new ArrayList<>();
        for (String pan : PCI_TEST_NUMBERS) {
            for (int w = 0; w < WRITINGS.size(); w++) {
                cases.add(Arguments.of(pan, w, WRITINGS.get(w).apply(pan)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} writing {1}: {2}")
    @MethodSource("writtenCards")
    void aPciTestNumberIsMaskedHoweverItIsWritten(String pan, int writing, String written) {
        String last4 = pan.substring(pan.length() - 4);
        assertThat(CardNumbers.contains(written)).isTrue();
        assertThat(CardNumbers.mask(written)).isEqualTo("**** " + last4);
        assertThat(CardNumbers.mask("card " + written + " please")).isEqualTo("card **** " + last4 + " please");
        assertThat(CardNumbers.mask("PAN:" + written + ", exp 12/29")).isEqualTo("PAN:**** " + last4 + ", exp 12/29");
        assertThat(CardNumbers.mask("карта " + written + "\nспасибо")).isEqualTo("карта **** " + last4 + "\nспасибо");
        assertThat(CardNumbers.mask("رقم البطاقة " + written + " شكرا")).isEqualTo("رقم البطاقة **** " + last4 + " شكرا");
        assertThat(CardNumbers.mask("卡号" + written + "谢谢")).isEqualTo("卡号**** " + last4 + "谢谢");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "card 4111111111111111 12/26 cvv 123|card **** 1111 12/26 cvv 123",
            "card 4111 1111 1111 1111 123|card **** 1111 123",
            "card 4111 1111 1111 1111 12/26 123|card **** 1111 12/26 123",
            "exp 12/29 5555555555554444|exp 12/29 **** 4444",
            "exp 12/29 5555 5555 5555 4444|exp 12/29 **** 4444",
            "12/29, 5555-5555-5555-4444, 737|12/29, **** 4444, 737",
            "card4111111111111111|card**** 1111",
            "card4111 1111 1111 1111 12/26|card**** 1111 12/26",
            "pan 4111 1111 1111 1111x|pan **** 1111x",
            "pan: 4111-1111-1111-1111.|pan: **** 1111.",
            "card 4111 1111 1111 1111 3DS failed|card **** 1111 3DS failed",
            "card 4111 1111 1111 1111 123 3DS failed|card **** 1111 123 3DS failed",
            "Amex 3782 822463 10005 exp 11/27|Amex **** 0005 exp 11/27",
            "Amex 3782 822463 10005 1234|Amex **** 0005 1234",
            "4111111111111111 and 5555-5555-5555-4444|**** 1111 and **** 4444",
            "5555-5555-5555-4444 4111 1111 1111 1111|**** 4444 **** 1111",
            "4111111111111111 4111111111111111|**** 1111 **** 1111",
            "card 4111      1111\n\n\n\n1111 \u00A0 \u3000 1111 ok|card **** 1111 ok",
            "card 4111 -- 1111 -- 1111 -- 1111 ok|card **** 1111 ok",
            "cards 4111 1111 1111 1111 5555 5555 5555 4444|cards **** 1111 **** 4444",
            "4111-1111-1111-1111-5555-5555-5555-4444-6011-1111-1111-1117 ok|**** 1111-**** 4444-**** 1117 ok",
            "12/26 4111 1111 1111 1111 5555 5555 5555 4444 737|12/26 **** 1111 **** 4444 737",
            "IBAN DE89 3704 0044 0532 0130 00 card 4111 1111 1111 1111|IBAN DE89 3704 0044 0532 0130 00 card **** 1111",
            "DE89 3704 0044 0532 0130 00 4111 1111 1111 1111|DE89 3704 0044 0532 0130 00 **** 1111",
            "id 6f1d2c3b-5555-5555-5555-4444abcdef12 card 5555555555554444|id 6f1d2c3b-5555-5555-5555-4444abcdef12 card **** 4444",
            "call +44 20 7946 0958 card 4111 1111 1111 1111|call +44 20 7946 0958 card **** 1111",
            "+4111111111111111|+**** 1111",
            "+378282246310005|+**** 0005",
            "+30569309025904|+**** 5904",
            "on 30.06.2024 10:30:00 paid with 4111 1111 1111 1111|on 30.06.2024 10:30:00 paid with **** 1111"})
    void masksCardsNextToOtherNumbersAndWords(String bodyAndExpected) {
        String[] parts = bodyAndExpected.split("\\|");
        assertThat(CardNumbers.mask(parts[0])).isEqualTo(parts[1]);
    }

    /** The defects of the first implementation, and look-alikes that must stay as they are. */
    @ParameterizedTest
    @ValueSource(strings = {
            "1718000000006",                                  // epoch millis, Luhn-valid, no network starts with 1
            "ts=1718000000006 ms",
            "created 1718000000 updated 1718000000006 at 1718000000006000",
            "9400 1000 0000 0000 0000 00",                    // USPS tracking
            "USPS 9400 1118 9922 3456 7890 12",
            "9400111899223456789012",
            "card ending 1111 3DS failed",
            "tracking 1Z999AA10123456784",
            "1Z 999 AA1 01 2345 6784",
            "6f1d2c3b-5555-5555-5555-4444abcdef12",           // a UUID the first implementation mangled
            "41111111-1111-1111-1111-111111111111",
            "41111111-1111-4111-9111-111111111111",
            "IBAN GB82 WEST 1234 5698 7654 32",
            "IBAN DE89 3704 0044 0532 0130 00",
            "de89 3704 0044 0532 0130 00",
            "DE89370400440532013000",
            "FR14 2004 1010 0505 0001 3M02 606",
            "BE68 5390 0754 7034, NO93 8601 1117 947",
            "DE12 3456 7890 1234 5678 90",                    // made-up IBAN: never cut into a card
            "order 4111111111111112",                         // fails Luhn
            "order 5555-5555-5555-4445",
            "order 1234567890123",
            "call +44 20 7946 0958",
            "call +1 (415) 555-2671 or +49 30 901820",
            "+49 1512 3456789",
            "+62 812-3456-78901",
            "+86 138 0013 8000",
            "on 2024-01-15 at 12:30:00, or 15.01.2024",
            "30.06.2024 10:30:00",
            "30/06/2024 10:30:00.123",
            "6/30/2024 10:30:00",
            "30.06.2024 - 31.07.2024",
            "2024-06-30 10:30:00+02:00",
            "paid 1 234 567.89 EUR, EUR 12,345,678.90",
            "ref 20240115123045987654321",                    // 25 digits in one group: never cut
            "account 41111111111111110000",                   // longer than 19 digits
            "ARN 7453 7604 2214 3100 3881 865",
            "**** 1111",
            "**** 1111 2222 3333",
            "12 **** 1111 2222",
            "4111 ----- 1111 1111 1111",                      // five visible separators: two numbers
            "Visa •••• 4242, exp 12/26",
            "sort code 40-47-84, account 12345678",
            "BIC DEUTDEFF500, SWIFT CHASUS33XXX",
            ""})
    void leavesLookAlikesUnchanged(String text) {
        assertThat(CardNumbers.mask(text)).isEqualTo(text);
        assertThat(CardNumbers.contains(text)).isFalse();
    }

    @Test
    void networkTableNamesTheMostSpecificRange() {
        assertThat(CardNumbers.network("4111111111111111")).isEqualTo("Visa");
        assertThat(CardNumbers.network("2221000000000009")).isEqualTo("Mastercard");
        assertThat(CardNumbers.network("378282246310005")).isEqualTo("American Express");
        assertThat(CardNumbers.network("6011111111111117")).isEqualTo("Discover");
        assertThat(CardNumbers.network("30569309025904")).isEqualTo("Diners Club");
        assertThat(CardNumbers.network("3530111333300000")).isEqualTo("JCB");
        assertThat(CardNumbers.network("6200000000000005")).isEqualTo("UnionPay");
        assertThat(CardNumbers.network("1718000000006")).isNull();       // Luhn-valid, no network
        assertThat(CardNumbers.network("4111111111111112")).isNull();    // fails Luhn
        assertThat(CardNumbers.network("378282246310005" + "0")).isNull(); // Amex has 15 digits
    }

    @Test
    void luhnCheckAgreesWithKnownValues() {
        assertThat(CardNumbers.passesLuhn("79927398713")).isTrue();
        assertThat(CardNumbers.passesLuhn("79927398710")).isFalse();
    }

    @Test
    void neverThrowsOnOddInput() {
        assertThat(CardNumbers.mask(null)).isNull();
        assertThat(CardNumbers.contains(null)).isFalse();
        for (String odd : List.of("", "\uD800", "\uDC00", "4111\uD8001111\uDC001111 1111", "\uD835\uDFCF",
                "\uFE0F\u20E3", "4", "****", "+", "DE", "DE89", "00000000-0000-0000-0000-00000000000")) {
            assertThatCode(() -> CardNumbers.mask(odd)).doesNotThrowAnyException();
        }
        assertThat(CardNumbers.mask("4111\uD8001111\uDC001111 1111")).isEqualTo("**** 1111");
    }

    @Test
    void isFastOnLongBodiesOfDigitsAndSeparators() {
        Random random = new Random(7);
        List<String> bodies = new ArrayList<>();
        bodies.add("1".repeat(10_000));
        bodies.add("1 ".repeat(5_000));
        bodies.add("4111 1111 1111 1111 ".repeat(500));
        bodies.add("4111111111111111".repeat(625));
        bodies.add("4\u200B".repeat(5_000));
        String separators = " -./,:\u00A0\u200B+*";
        StringBuilder mixed = new StringBuilder();
        while (mixed.length() < 10_000) {
            mixed.append(random.nextInt(10));
            if (random.nextInt(3) == 0) {
                mixed.append(separators.charAt(random.nextInt(separators.length())));
            }
        }
        bodies.add(mixed.toString());
        long started = System.nanoTime();
        for (int round = 0; round < 20; round++) {
            for (String body : bodies) {
                String masked = CardNumbers.mask(body);
                assertThat(CardNumbers.contains(masked)).isFalse();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // 120 bodies of 10,000 characters; generous so a slow CI machine never flakes
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    static String grouped(String pan, String separator) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pan.length(); i += 4) {
            if (i > 0) {
                out.append(separator);
            }
            out.append(pan, i, Math.min(i + 4, pan.length()));
        }
        return out.toString();
    }

    /** The scheme's own grouping: Amex 4-6-5, Diners 4-6-4, otherwise 4-4-4-4. */
    static String schemeGrouped(String pan) {
        return switch (pan.length()) {
            case 15, 14 -> pan.substring(0, 4) + " " + pan.substring(4, 10) + " " + pan.substring(10);
            default -> grouped(pan, " ");
        };
    }

    static String everyDigit(String pan, String between) {
        return String.join(between, pan.split(""));
    }

    /** Marks after each digit, the last one included: they belong to the digit and go with it. */
    static String afterEveryDigit(String pan, String marks) {
        return everyDigit(pan, marks) + marks;
    }

    static String inScript(String pan, int zero) {
        StringBuilder out = new StringBuilder();
        pan.chars().forEach(c -> out.appendCodePoint(zero + c - '0'));
        return out.toString();
    }

    static String mixedScripts(String pan) {
        int[] zeros = {'0', 0xFF10, 0x0660, 0x06F0, 0x0966, 0x0E50, 0x1D7CE};
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pan.length(); i++) {
            out.appendCodePoint(zeros[i % zeros.length] + pan.charAt(i) - '0');
        }
        return out.toString();
    }

    static String superscript(String pan) {
        String supers = "\u2070\u00B9\u00B2\u00B3\u2074\u2075\u2076\u2077\u2078\u2079";
        StringBuilder out = new StringBuilder();
        pan.chars().forEach(c -> out.append(supers.charAt(c - '0')));
        return out.toString();
    }

    static String circled(String pan) {
        StringBuilder out = new StringBuilder();
        pan.chars().forEach(c -> out.appendCodePoint(c == '0' ? 0x24EA : 0x2460 + c - '1'));
        return out.toString();
    }
}
