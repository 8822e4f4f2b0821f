package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ContentPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DefaultContentPolicyTest {

    private final ContentPolicy policy = ContentPolicy.defaults();

    @Test
    void trimsAndNormalizesLineEndings() {
        assertThat(policy.apply("  hello\r\nworld \t")).isEqualTo("hello\nworld");
    }

    @Test
    void keepsNewlinesTabsEmojiAndRightToLeftText() {
        String body = "line1\n\tשלום 👋🏽 مرحبا";
        assertThat(policy.apply(body)).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t "})
    void rejectsBlankBodies(String body) {
        assertRejectedOnBody(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u200B", "\u200B\u200C\u200D", "\uFEFF", " \u00A0\u3000 ", "\u2060\u00AD",
            "\u3164", "\u2800\u2800", "\u034F", "\n\u200B\t"})
    void rejectsBodiesMadeOnlyOfInvisibleCharactersAsBlank(String body) {
        assertThatThrownBy(() -> policy.apply(body))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .containsExactly(dev.txchat.core.FieldError.of("body", "must not be blank")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pay \u202E00.01\u202C now", "\u202Aa", "b\u202B", "\u202Dx", "\u2066x\u2069",
            "\u2067y", "\u2068z"})
    void rejectsBidiControlsThatReorderTheDisplayedText(String body) {
        assertThatThrownBy(() -> policy.apply(body))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .containsExactly(dev.txchat.core.FieldError.of("body", Checks.BIDI_MESSAGE)));
    }

    @Test
    void keepsLeftToRightAndRightToLeftMarksAndZeroWidthJoinersInsideText() {
        String body = "שלום\u200F 1,234.56 \u200Eok 👩\u200D💻";
        assertThat(policy.apply(body)).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "card 4111.1111.1111.1111 please|card **** 1111 please",
            "card 4111\u00A01111\u00A01111\u00A01111 please|card **** 1111 please",
            "card 4111\u200B1111\u200B1111\u200B1111 please|card **** 1111 please",
            "card 4111\u00AD1111\u00AD1111\u00AD1111 please|card **** 1111 please",
            "card 4111\u20131111\u20131111\u20131111 please|card **** 1111 please",
            "card \uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11 please|card **** 1111 please",
            "card \u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661|card **** 1111",
            "card 4111 1111 1111 1111 3DS failed|card **** 1111 3DS failed"})
    void masksCardNumbersWhateverTheirDigitsAndSeparators(String bodyAndExpected) {
        String[] parts = bodyAndExpected.split("\\|");
        assertThat(policy.apply(parts[0])).isEqualTo(parts[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ts 1718000000006",                     // epoch millis passing Luhn: no network starts with 1
            "USPS 9400 1000 0000 0000 0000 00",
            "id 6f1d2c3b-5555-5555-5555-4444abcdef12",
            "card ending 1111 3DS failed",
            "on 30.06.2024 10:30:00"})
    void leavesTimestampsUuidsTrackingNumbersAndDatesAlone(String body) {
        assertThat(policy.apply(body)).isEqualTo(body);
    }

    @Test
    void rejectsNullBody() {
        assertRejectedOnBody(null);
    }

    @Test
    void acceptsExactly4000CodePointsAndRejects4001() {
        assertThat(policy.apply("a".repeat(4000))).hasSize(4000);
        assertRejectedOnBody("a".repeat(4001));
        // length counts code points, so 4000 emoji (8000 UTF-16 units) still fit
        assertThat(policy.apply("😀".repeat(4000))).hasSize(8000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "bell\u0007", "esc\u001b[31m", "del\u007f", "c1\u0085", "cr\ronly"})
    void rejectsControlCharactersOtherThanNewlineAndTab(String body) {
        assertRejectedOnBody(body);
    }

    @Test
    void rejectsUnpairedSurrogatesBecauseNoDatabaseCanStoreThem() {
        assertRejectedOnBody("x\uD83Dy");
        assertRejectedOnBody("x\uDE00y");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444",
            "378282246310005", "6011111111111117", "4000056655665556", "4222222222222"})
    void masksLuhnValidCardNumbersToTheirLastFourDigits(String card) {
        String digits = card.replaceAll("[ -]", "");
        String masked = policy.apply("card " + card + " please");
        assertThat(masked).isEqualTo("card **** " + digits.substring(digits.length() - 4) + " please");
        assertThat(masked).doesNotContain(digits.substring(0, 6));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "order 4111111111111112",               // fails Luhn
            "call +44 20 7946 0958",                // phone number
            "IBAN GB82 WEST 1234 5698 7654 32",     // IBAN with letters
            "IBAN DE89 3704 0044 0532 0130 00",     // IBAN: 20 digits after the country code
            "ref 123456789012",                     // 12 digits
            "FR14 2004 1010 0505 0001 3M02 606",    // IBAN with letters inside
            "tracking 1Z999AA10123456784",
            "ref 20240115123045987654321",          // 25 digits in one group: never cut
            "account 41111111111111110000"})        // longer than 19 digits
    void leavesNumbersThatAreNotCardNumbersAlone(String body) {
        assertThat(policy.apply(body)).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "card 4111111111111111 12/26 cvv 123|card **** 1111 12/26 cvv 123",
            "card 4111 1111 1111 1111 123|card **** 1111 123",
            "exp 12/29 5555555555554444|exp 12/29 **** 4444",
            "card4111111111111111|card**** 1111",
            "pan: 4111-1111-1111-1111.|pan: **** 1111."})
    void masksCardNumbersNextToOtherNumbersOrLetters(String bodyAndExpected) {
        String[] parts = bodyAndExpected.split("\\|");
        assertThat(policy.apply(parts[0])).isEqualTo(parts[1]);
    }

    @Test
    void masksEveryCardInABody() {
        assertThat(policy.apply("4111111111111111 and 5555-5555-5555-4444"))
                .isEqualTo("**** 1111 and **** 4444");
    }

    @Test
    void luhnCheckAgreesWithKnownValues() {
        assertThat(CardNumbers.passesLuhn("79927398713")).isTrue();
        assertThat(CardNumbers.passesLuhn("79927398710")).isFalse();
    }

    private void assertRejectedOnBody(String body) {
        assertThatThrownBy(() -> policy.apply(body))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.errors()).extracting(dev.txchat.core.FieldError::field).containsExactly("body"));
    }
}
