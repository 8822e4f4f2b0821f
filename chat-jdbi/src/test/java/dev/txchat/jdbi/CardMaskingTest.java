package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.FakeTransactionDirectory;
import dev.txchat.testkit.InMemoryChatStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Card-number masking end to end: the standard PCI test numbers, grouped as people type
 * them, are stored as {@code **** } plus their last four digits, and look-alikes (IBANs,
 * order numbers failing Luhn, phone numbers, dates, amounts) are stored unchanged, on the
 * in-memory store and on H2. The stored body is read back through the API.
 */
class CardMaskingTest {

    private static final Actor STAFF = Actor.service("masking-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);

    private static final Map<String, Supplier<ChatStore>> STORES = Map.of(
            "in-memory", new Supplier<>() {
                private final ChatStore store = new InMemoryChatStore();

                @Override
                public ChatStore get() {
                    return store;
                }
            },
            "h2", () -> TestDatabases.store(Dialect.H2));

    /** The PCI test numbers of every major scheme. */
    static final List<String> PCI_TEST_NUMBERS = List.of(
            "4111111111111111", "4012888888881881", "4222222222222",            // Visa
            "5555555555554444", "5105105105105100", "2221000000000009",         // Mastercard
            "378282246310005", "371449635398431",                               // Amex
            "6011111111111117", "6011000990139424",                             // Discover
            "30569309025904", "38520000023237",                                 // Diners
            "3530111333300000", "3566002020360505",                             // JCB
            "6200000000000005");                                                // UnionPay

    static Stream<Arguments> cards() {
        List<Arguments> cases = new ArrayList<>();
        for (String store : List.of("in-memory", "h2")) {
            for (String pan : PCI_TEST_NUMBERS) {
                String masked = "**** " + pan.substring(pan.length() - 4);
                for (String written : List.of(pan, grouped(pan, " "), grouped(pan, "-"), schemeGrouped(pan))) {
                    cases.add(Arguments.of(store, pan, "card " + written + " please", "card " + masked + " please"));
                }
                cases.add(Arguments.of(store, pan, pan, masked));
                cases.add(Arguments.of(store, pan, "PAN:" + pan + ", exp 12/29", "PAN:" + masked + ", exp 12/29"));
                cases.add(Arguments.of(store, pan, "(" + grouped(pan, " ") + ")\nthanks", "(" + masked + ")\nthanks"));
            }
            cases.add(Arguments.of(store, "4111111111111111", "two: 4111 1111 1111 1111 and 5555-5555-5555-4444",
                    "two: **** 1111 and **** 4444"));
            cases.add(Arguments.of(store, "378282246310005", "a\r\n3782 822463 10005  ", "a\n**** 0005"));
        }
        return cases.stream();
    }

    static Stream<Arguments> lookAlikes() {
        List<Arguments> cases = new ArrayList<>();
        for (String store : List.of("in-memory", "h2")) {
            for (String text : List.of(
                    "IBAN GB82 WEST 1234 5698 7654 32",
                    "IBAN DE89 3704 0044 0532 0130 00",
                    "DE89370400440532013000",
                    "FR14 2004 1010 0505 0001 3M02 606",
                    "order 4111111111111112",               // a Visa test number with the last digit changed
                    "order 1234567890123",
                    "order 5555-5555-5555-4445",
                    "call +44 20 7946 0958",
                    "call +1 (415) 555-2671 or +49 30 901820",
                    "on 2024-01-15 at 12:30:00, or 15.01.2024",
                    "paid 1 234 567.89 EUR, EUR 12,345,678.90",
                    "ref 20240115123045987654321",          // 25 digits: not a card, not cut into one
                    "tracking 1Z999AA10123456784")) {
                cases.add(Arguments.of(store, text));
            }
        }
        return cases.stream();
    }

    /**
     * Inputs the default policy currently stores unmasked although they carry a full PAN
     * (reported to the lead; chat-core's DefaultContentPolicy lookarounds reject a digit run
     * that a single separator and another digit follow or precede).
     */
    static Stream<Arguments> knownLeaks() {
        return Stream.of(
                Arguments.of("in-memory", "4111111111111111", "card 4111111111111111 12/26 cvv 123"),
                Arguments.of("in-memory", "4111111111111111", "card 4111 1111 1111 1111 123"),
                Arguments.of("in-memory", "5555555555554444", "exp 12/29 5555555555554444"),
                Arguments.of("in-memory", "4111111111111111", "card4111111111111111"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("cards")
    void aCardNumberIsStoredAsItsLastFourDigits(String store, String pan, String body, String expected) {
        ParticipantMessage stored = postAndReadBack(store, body);

        assertThat(stored.body()).isEqualTo(expected);
        assertThat(stored.body().replaceAll("[ -]", "")).doesNotContain(pan);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("lookAlikes")
    void aNumberThatIsNotACardIsStoredUnchanged(String store, String body) {
        assertThat(postAndReadBack(store, body).body()).isEqualTo(body);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("knownLeaks")
    void aCardNumberNextToOtherDigitsOrLettersIsStillMasked(String store, String pan, String body) {
        assertThat(postAndReadBack(store, body).body().replaceAll("[ -]", "")).doesNotContain(pan);
    }

    private static ParticipantMessage postAndReadBack(String store, String body) {
        ChatService chat = ChatService.builder().store(STORES.get(store).get())
                .transactionDirectory(new FakeTransactionDirectory()).build();
        ConversationId id = chat.startConversation(STAFF, new StartConversation(
                ParticipantRef.businessUser("masking-user", "masking-org"), "masking", null)).id();
        ParticipantMessage posted = chat.postMessage(STAFF, id, NewMessage.of(body));
        ParticipantMessage readBack = chat.listMessages(STAFF, id, PageRequest.last(1)).nodes().get(0);
        assertThat(readBack.id()).isEqualTo(posted.id());
        assertThat(readBack.body()).isEqualTo(posted.body());
        assertThat(chat.getConversation(STAFF, id).lastMessage().body()).isEqualTo(posted.body());
        return readBack;
    }

    /** Groups of four, as printed on most cards. */
    private static String grouped(String pan, String separator) {
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
    private static String schemeGrouped(String pan) {
        return switch (pan.length()) {
            case 15, 14 -> pan.substring(0, 4) + " " + pan.substring(4, 10) + " " + pan.substring(10);
            default -> grouped(pan, " ");
        };
    }
}
