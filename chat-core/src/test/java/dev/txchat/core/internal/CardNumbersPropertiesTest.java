package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link CardNumbers} against an attacker: any valid card of any network in the table, in any
 * digit script, cut into any groups joined by any separators (visible or invisible, up to eight
 * visible ones, HTML character references and tags among them), inside any text, is masked to
 * its last four digits and nothing else changes; masking is idempotent and never leaves anything
 * {@link CardNumbers#contains} would find. The only groupings left out are the three shapes of
 * other identifiers the rules leave alone on purpose ({@link #isOtherIdentifierShape}).
 */
class CardNumbersPropertiesTest {

    /** The zero of each digit script a card is rendered in; 0 means a different script for each digit. */
    static final int[] SCRIPT_ZEROS = {'0', 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x16AC0, 0x1E5F1,
            0x1CCF0, 0};

    /** Separators that show: spaces of every kind, line breaks, dashes, punctuation, symbols. */
    static final List<String> VISIBLE_SEPARATORS = List.of(" ", "\u00A0", "\u2007", "\u202F", "\u2009", "\u3000",
            "\t", "\n", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\uFF0D", "_", ".",
            ",", "/", "\u00B7", ":", "*", "'", "+", "(", ")", "#", "\u066C", "\u3001", "&nbsp;", "&ndash;", "&#160;",
            "&#x2D;", "\uD83D\uDD12");

    /** Separators that do not show: format characters and marks. */
    static final List<String> INVISIBLE_SEPARATORS = List.of("\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF",
            "\u00AD", "\u200E", "\u200F", "\uFE0F", "\u20E3", "\u034F", "\u180E", "\uFE00", "<b>", "</span>", "&shy;");

    static final List<String> WORDS = List.of("card", "paid", "please", "thanks", "ref", "exp", "cvv", "Karte",
            "bezahlt", "карта", "оплата", "بطاقة", "شكرا", "कार्ड", "卡号", "谢谢", "カード", "EUR", "USD", "order",
            "amount", "ok", "the", "number");

    @Property(tries = 1000)
    void aCardHoweverWrittenInsideAnyTextIsMaskedToItsLastFourAndNothingElseChanges(
            @ForAll("cards") String pan, @ForAll("renderings") Rendering rendering,
            @ForAll("prefixes") String prefix, @ForAll("suffixes") String suffix) {
        String written = rendering.render(pan);
        Assume.that(!isOtherIdentifierShape(written));
        String text = prefix + written + suffix;
        String last4 = pan.substring(pan.length() - 4);

        String masked = CardNumbers.mask(text);

        assertThat(CardNumbers.contains(text)).isTrue();
        assertThat(masked).isEqualTo(prefix + "**** " + last4 + suffix);
        assertThat(digitsOf(masked)).doesNotContain(pan.substring(0, pan.length() - 4));
        assertThat(CardNumbers.contains(masked)).isFalse();
    }

    @Property(tries = 1000)
    void aCardGluedToTheWordBeforeItIsMaskedToo(@ForAll("cards") String pan, @ForAll("renderings") Rendering rendering,
                                                 @ForAll("gluedWords") String word) {
        String last4 = pan.substring(pan.length() - 4);
        String written = rendering.render(pan);
        Assume.that(!isOtherIdentifierShape(written));
        assertThat(CardNumbers.mask(word + written + " ok")).isEqualTo(word + "**** " + last4 + " ok");
    }

    @Property(tries = 1000)
    void maskingIsIdempotentAndLeavesNoCard(@ForAll("anyTexts") String text) {
        String masked = CardNumbers.mask(text);
        assertThat(CardNumbers.mask(masked)).isEqualTo(masked);
        assertThat(CardNumbers.contains(masked)).isFalse();
        assertThat(CardNumbers.contains(text)).isEqualTo(!masked.equals(text));
    }

    @Property(tries = 1000)
    void neverThrowsAndOnlyTouchesTextWithThirteenDigits(@ForAll("unicode") String text) {
        String masked = CardNumbers.mask(text);
        if (digitsOf(text).length() < CardNumbers.MIN_PAN) {
            assertThat(masked).isEqualTo(text);
        }
        assertThat(CardNumbers.contains(masked)).isFalse();
    }

    // ---- generators -------------------------------------------------------------------------------

    /** A valid card of a random network of the table: allowed length, prefix in range, Luhn check digit. */
    @Provide
    Arbitrary<String> cards() {
        return Arbitraries.of(CardNumbers.NETWORKS).flatMap(iin -> Combinators.combine(
                Arbitraries.integers().between(iin.minLength(), iin.maxLength()),
                Arbitraries.integers().between(iin.low(), iin.high()),
                Arbitraries.strings().numeric().ofLength(iin.maxLength())).as((length, prefix, body) -> {
                    String digits = (prefix + body).substring(0, length - 1);
                    return digits + luhnDigit(digits);
                }));
    }

    record Rendering(int scriptZero, List<Integer> groupSizes, List<String> separators, int[] mixedZeros) {
        String render(String pan) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            int group = 0;
            while (at < pan.length()) {
                if (at > 0) {
                    out.append(separators.get(group % separators.size()));
                }
                int size = Math.min(groupSizes.get(group % groupSizes.size()), pan.length() - at);
                for (int i = at; i < at + size; i++) {
                    int zero = scriptZero != 0 ? scriptZero : mixedZeros[i % mixedZeros.length];
                    out.appendCodePoint(zero + pan.charAt(i) - '0');
                }
                at += size;
                group++;
            }
            return out.toString();
        }

        @Override
        public String toString() {
            return "Rendering[zero=" + Integer.toHexString(scriptZero) + ", groups=" + groupSizes
                    + ", separators=" + separators.stream().map(CardNumbersPropertiesTest::escape).toList() + "]";
        }
    }

    @Provide
    Arbitrary<Rendering> renderings() {
        Arbitrary<Integer> zero = Arbitraries.of(java.util.Arrays.stream(SCRIPT_ZEROS).boxed().toList());
        Arbitrary<List<Integer>> sizes = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 19).list().ofMinSize(1).ofMaxSize(19),
                Arbitraries.integers().between(1, 6).list().ofMinSize(1).ofMaxSize(19),
                Arbitraries.of(List.of(4), List.of(4, 6, 5), List.of(4, 6, 4), List.of(19), List.of(1), List.of(2)));
        Arbitrary<List<String>> separators = separatorRuns().list().ofMinSize(1).ofMaxSize(18);
        Arbitrary<int[]> mixed = Arbitraries.of((int) '0', 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE,
                        0x16AC0, 0x11F50, 0x10D40)
                .list().ofMinSize(1).ofMaxSize(19).map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        return Combinators.combine(zero, sizes, separators, mixed).as(Rendering::new);
    }

    /** One to eight visible separators with up to six invisible ones among them, or invisible ones only. */
    Arbitrary<String> separatorRuns() {
        Arbitrary<List<String>> visible = Arbitraries.of(VISIBLE_SEPARATORS).list().ofMinSize(0).ofMaxSize(8);
        Arbitrary<List<String>> invisible = Arbitraries.of(INVISIBLE_SEPARATORS).list().ofMinSize(0).ofMaxSize(6);
        return Combinators.combine(visible, invisible, Arbitraries.longs()).as((v, inv, seed) -> {
            List<String> parts = new ArrayList<>(v);
            java.util.Random random = new java.util.Random(seed);
            for (String s : inv) {
                parts.add(random.nextInt(parts.size() + 1), s);
            }
            return String.join("", parts);
        }).filter(s -> !s.isEmpty());
    }

    /** Words and short numbers, never two numbers in a row, ending with a word and a boundary. */
    @Provide
    Arbitrary<String> prefixes() {
        return Combinators.combine(sentence(), Arbitraries.of(WORDS),
                Arbitraries.of(" ", ": ", " (", " \"", "\n", " #", " — ", ":\u00A0", "\t", " '", " 😀 ", "💳")).as((s, w, b) -> s + w + b);
    }

    /** A boundary, a word, then words and short numbers. */
    @Provide
    Arbitrary<String> suffixes() {
        return Combinators.combine(Arbitraries.of(" ", ". ", ", ", ")", "!", "\n", "?", " — ", "\", ", " / ", " 😀 ", "👍"),
                Arbitraries.of(WORDS), sentence()).as((b, w, s) -> b + w + (s.isEmpty() ? "" : " " + s.strip()));
    }

    @Provide
    Arbitrary<String> gluedWords() {
        return Arbitraries.of("card", "PAN", "Karte", "карта", "卡号", "カード", "number", "bezahlt");
    }

    private Arbitrary<String> sentence() {
        Arbitrary<String> word = Arbitraries.of(WORDS);
        Arbitrary<String> number = Combinators.combine(Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(6),
                Arbitraries.of(" ", ", ", ". ", " - ", "/")).as((n, sep) -> n + sep);
        Arbitrary<String> token = Arbitraries.frequencyOf(Tuple.of(3, word.map(w -> w + " ")),
                Tuple.of(1, Combinators.combine(number, word).as((n, w) -> n + w + " ")));
        return token.list().ofMaxSize(6).map(tokens -> String.join("", tokens));
    }

    /** Texts full of digits, separators, invisibles, masks, cards and look-alikes, in any order. */
    @Provide
    Arbitrary<String> anyTexts() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(8)),
                Tuple.of(2, Arbitraries.strings().withChars("\uFF10\uFF11\uFF14\u0660\u0665\u0966\u2074\u2460")
                        .ofMinLength(1).ofMaxLength(5)),
                Tuple.of(4, Arbitraries.of(VISIBLE_SEPARATORS)),
                Tuple.of(2, Arbitraries.of(INVISIBLE_SEPARATORS)),
                Tuple.of(2, Arbitraries.of(WORDS)),
                Tuple.of(1, Arbitraries.of("**** ", "****", "*", "+", "DE", "DE89 ", "3DS", "x", "-")),
                Tuple.of(2, Combinators.combine(cards(), renderings()).as((pan, r) -> r.render(pan))),
                Tuple.of(1, Arbitraries.of("6f1d2c3b-5555-5555-5555-4444abcdef12", "DE89 3704 0044 0532 0130 00",
                        "30.06.2024 10:30:00", "+49 1512 3456789", "9400 1000 0000 0000 0000 00")));
        return piece.list().ofMaxSize(30).map(pieces -> String.join("", pieces));
    }

    @Provide
    Arbitrary<String> unicode() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(80),
                Arbitraries.strings().withCharRange('\uD800', '\uDFFF').withChars("41 -\u200B").ofMaxLength(40),
                anyTexts());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * Whether a written card has the exact shape of an identifier the rules leave alone on
     * purpose: an Amazon order number {@code ddd-ddddddd-ddddddd}, a UK sort code and account
     * {@code dd-dd-dd dddddddd}, a US routing and account number {@code ddddddddd ddddddddd}. No
     * one types a card so; an attacker can, which is the price of those false positives.
     */
    static boolean isOtherIdentifierShape(String written) {
        StringBuilder shape = new StringBuilder();
        String plain = written;
        for (String invisible : INVISIBLE_SEPARATORS) {
            plain = plain.replace(invisible, "");
        }
        // character references read as what they stand for, as CardNumbers reads them
        plain = plain.replace("&nbsp;", " ").replace("&#160;", " ").replace("&ndash;", "-").replace("&#x2D;", "-");
        plain.codePoints().forEach(cp -> {
            if (CardNumbers.digitValue(cp) >= 0) {
                shape.append('0');
            } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                if (shape.length() == 0 || shape.charAt(shape.length() - 1) != ' ') {
                    shape.append(' ');
                }
            } else {
                shape.appendCodePoint(cp);
            }
        });
        return shape.toString().matches("0{3}-0{7}-0{7}|0{2}-0{2}-0{2} 0{8}|0{9} 0{9}");
    }

    static char luhnDigit(String digits) {
        int sum = 0;
        boolean doubleIt = true;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    /** Every digit of the text in the sense of {@link CardNumbers} (any script), as ASCII, nothing else. */
    static String digitsOf(String text) {
        StringBuilder digits = new StringBuilder();
        text.codePoints().map(CardNumbers::digitValue).filter(d -> d >= 0).forEach(digits::append);
        return digits.toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7F ? Character.toString(cp)
                : String.format("\\u%04X", cp)));
        return out.toString();
    }
}
