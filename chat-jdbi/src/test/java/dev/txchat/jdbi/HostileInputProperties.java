package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ContentPolicy;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.constraints.IntRange;

/**
 * Hostile input through the whole stack ({@code ChatService} over a real store): every call
 * either succeeds, with the body stored and read back exactly as
 * {@link ContentPolicy#defaults()} returns it, or fails with a {@link ValidationException}
 * naming a field, never another exception and never a partial write. Subclasses pick the
 * store; each property runs 200 tries
 * unless the subclass says otherwise with {@code @PropertyDefaults}.
 */
@PropertyDefaults(tries = 200)
abstract class HostileInputProperties {

    private static final Set<String> ID_FIELDS = Set.of("actor.userId", "actor.organizationId", "transactionId",
            "userId", "organizationId", "businessUser", "participantId", "clientMessageId");
    private static final Set<String> PAGE_FIELDS = Set.of("first", "last", "after", "before");

    static final Actor STAFF = Actor.service("hostile-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);

    private final FakeTransactionDirectory directory = new FakeTransactionDirectory();
    private ChatService chat;

    /** The store under test, shared by all tries. */
    protected abstract ChatStore store();

    private ChatService chat() {
        if (chat == null) {
            chat = ChatService.builder().store(store()).transactionDirectory(directory).build();
        }
        return chat;
    }

    // ---- properties -------------------------------------------------------------------------------

    @Property
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void aPostedBodyIsStoredExactlyAsThePolicyReturnsItOrRejectedOnBodyWithoutAWrite(
            @ForAll("postBodies") String body, @ForAll("clientMessageIds") String clientMessageId) {
        ConversationId id = freshConversation();
        long conversationsBefore = allConversations();
        Expected expected = expectPost(body, clientMessageId);
        coverage("post", expected.rejectedField == null ? "accepted" : "rejected on " + expected.rejectedField,
                "accepted", "rejected on body", "rejected on clientMessageId");
        coverage("post body", expected.rejectedField == null && !expected.body.equals(body.strip())
                ? "changed by the policy" : "other", "changed by the policy");

        ParticipantMessage posted;
        try {
            posted = chat().postMessage(STAFF, id, new NewMessage(body, clientMessageId));
        } catch (ValidationException e) {
            assertThat(expected.rejectedField).as("rejection of %s / %s", describe(body), describe(clientMessageId))
                    .isNotNull();
            assertThat(e.hasErrorOn(expected.rejectedField)).as("%s names %s", e.getMessage(), expected.rejectedField)
                    .isTrue();
            assertThat(chat().getConversation(STAFF, id).messageCount()).as("messages after a rejection").isEqualTo(1);
            assertThat(lastMessage(id).body()).isEqualTo("first");
            assertThat(allConversations()).isEqualTo(conversationsBefore);
            return;
        }
        assertThat(expected.rejectedField).as("expected a rejection on %s of %s", expected.rejectedField,
                describe(body)).isNull();
        assertThat(posted.body()).isEqualTo(expected.body);
        ParticipantMessage readBack = lastMessage(id);
        assertThat(readBack.id()).isEqualTo(posted.id());
        assertThat(readBack.body()).as("read back").isEqualTo(expected.body);
        assertThat(readBack.message().clientMessageId()).isEqualTo(expected.clientMessageId);
        assertThat(readBack.message().sequence()).isEqualTo(2);
        assertThat(chat().getConversation(STAFF, id).lastMessage().body()).isEqualTo(expected.body);
        assertThat(chat().getConversation(STAFF, id).messageCount()).isEqualTo(2);
        if (expected.clientMessageId != null) {
            ParticipantMessage again = chat().postMessage(STAFF, id, new NewMessage("another body", clientMessageId));
            assertThat(again.id()).as("a repeated clientMessageId returns the first message").isEqualTo(posted.id());
            assertThat(again.body()).isEqualTo(expected.body);
            assertThat(chat().getConversation(STAFF, id).messageCount()).isEqualTo(2);
        }
    }

    @Property
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void openingATransactionChatWithHostileIdsSucceedsOrNamesTheFieldAndWritesNothing(
            @ForAll("ids") String staffUserId, @ForAll("ids") String transactionId, @ForAll("ids") String userId,
            @ForAll("ids") String organizationId, @ForAll("mostlyValidBodies") String body) {
        if (transactionId != null) {
            // the directory knows the transaction, however the core normalizes its id, so a
            // NotFoundException can only mean a bug
            WalletOwner owner = new WalletOwner(userId == null ? null : userId.strip(),
                    organizationId == null || organizationId.isBlank() ? null : organizationId.strip());
            directory.register(transactionId, Map.of("amount", "1.00 EUR"), owner);
            directory.register(transactionId.strip(), Map.of("amount", "1.00 EUR"), owner);
        }
        boolean idsValid = validId(staffUserId, true) && validId(transactionId, true) && validId(userId, true)
                && validId(organizationId, false);
        String policyRejects = policyRejection(body);
        String normalizedTransaction = validId(transactionId, true) ? transactionId.strip() : null;
        long conversationsBefore = allConversations();
        int ticketConversationsBefore = ticketConversations(normalizedTransaction);
        coverage("open", idsValid && policyRejects == null ? "accepted" : "rejected", "accepted", "rejected");

        TransactionChat opened;
        try {
            Actor staff = new Actor(ParticipantType.SERVICE, staffUserId, null, STAFF.permissions());
            opened = chat().openTransactionChat(staff, new OpenTransactionChat(transactionId,
                    ParticipantRef.businessUser(userId, organizationId), NewMessage.of(body)));
        } catch (ValidationException e) {
            assertThat(!idsValid || policyRejects != null)
                    .as("rejected valid input (%s): %s", e.getMessage(), List.of(describe(staffUserId),
                            describe(transactionId), describe(userId), describe(organizationId)))
                    .isTrue();
            assertThat(e.errors()).allSatisfy(error -> assertThat(error.field())
                    .isIn(union(ID_FIELDS, Set.of("body"))));
            assertThat(allConversations()).as("conversations after a rejection").isEqualTo(conversationsBefore);
            assertThat(ticketConversations(normalizedTransaction)).isEqualTo(ticketConversationsBefore);
            return;
        }
        assertThat(idsValid && policyRejects == null).as("accepted invalid input").isTrue();
        assertThat(opened.conversation().transactionId()).isEqualTo(normalizedTransaction);
        assertThat(opened.ticket().transactionId()).isEqualTo(normalizedTransaction);
        assertThat(opened.message().body()).isEqualTo(ContentPolicy.defaults().apply(body));
        assertThat(lastMessage(opened.conversation().id()).body()).isEqualTo(opened.message().body());
        assertThat(chat().ticket(STAFF, normalizedTransaction).conversations())
                .extracting(c -> c.id()).contains(opened.conversation().id());
        assertThat(opened.conversation().participants())
                .anySatisfy(p -> assertThat(p.userId()).isEqualTo(userId.strip()));
    }

    @Property
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void listingConversationsWithHostileFiltersAndCursorsSucceedsOrNamesTheField(
            @ForAll("ids") String participantId, @ForAll("ids") String transactionId,
            @ForAll("kinds") ConversationKind kind, @ForAll("types") ParticipantType type,
            @ForAll boolean includeDeleted, @ForAll boolean asBusiness, @ForAll @IntRange(min = -2, max = 130) int size,
            @ForAll boolean forward, @ForAll("cursorMutations") CursorMutation mutation) {
        freshConversation(); // the staff actor and the business actor both see it: their lists are never empty
        Actor actor = asBusiness ? Actor.business("hostile-user", "hostile-org") : STAFF;
        ConversationFilter filter = new ConversationFilter(participantId, type, transactionId, kind, includeDeleted);
        String cursor = mutation.apply(() -> {
            // the actor always sees the seed conversation, so this list has a cursor
            Page<?> page = chat().listConversations(actor, ConversationFilter.all(), PageRequest.first(1));
            return page.pageInfo().endCursor();
        });
        PageRequest request = new PageRequest(size, cursor, forward);
        boolean plainlyValid = validId(participantId, false) && validId(transactionId, false) && size >= 1
                && size <= PageRequest.MAX_SIZE && cursor == null;

        Page<?> page;
        try {
            page = chat().listConversations(actor, filter, request);
        } catch (ValidationException e) {
            assertThat(plainlyValid).as("rejected valid input: %s", e.getMessage()).isFalse();
            assertThat(e.errors()).allSatisfy(error -> assertThat(error.field()).isIn(union(ID_FIELDS, PAGE_FIELDS)));
            return;
        }
        assertThat(size).isBetween(1, PageRequest.MAX_SIZE);
        assertThat(page.nodes().size()).isLessThanOrEqualTo(size);
        assertThat(page.totalCount()).isGreaterThanOrEqualTo(page.nodes().size());
    }

    @Property
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void pagingMessagesWithHostileCursorsSucceedsOrNamesTheField(
            @ForAll("cursorMutations") CursorMutation mutation, @ForAll @IntRange(min = -2, max = 130) int size,
            @ForAll boolean forward, @ForAll boolean cursorOfAnotherConversation) {
        ConversationId id = freshConversation();
        chat().postMessage(STAFF, id, NewMessage.of("second"));
        chat().postMessage(STAFF, id, NewMessage.of("third"));
        ConversationId cursorSource = cursorOfAnotherConversation ? freshConversation() : id;
        String cursor = mutation.apply(() -> chat().listMessages(STAFF, cursorSource, PageRequest.first(1))
                .pageInfo().endCursor());

        Page<ParticipantMessage> page;
        try {
            page = chat().listMessages(STAFF, id, new PageRequest(size, cursor, forward));
        } catch (ValidationException e) {
            assertThat(cursor != null || size < 1 || size > PageRequest.MAX_SIZE)
                    .as("rejected valid input: %s", e.getMessage()).isTrue();
            assertThat(e.errors()).allSatisfy(error -> assertThat(error.field()).isIn(PAGE_FIELDS));
            return;
        }
        assertThat(size).isBetween(1, PageRequest.MAX_SIZE);
        if (mutation.kind == MutationKind.NONE && cursorOfAnotherConversation) {
            fail("a cursor of another conversation was accepted");
        }
        assertThat(page.totalCount()).isEqualTo(3);
        List<Long> sequences = page.nodes().stream().map(m -> m.message().sequence()).toList();
        assertThat(sequences).isSorted().allSatisfy(s -> assertThat(s).isBetween(1L, 3L));
    }

    @Property
    void anyLuhnValidCardNumberTypedWithSingleSpacesOrDashesIsNeverStoredInFull(
            @ForAll("cardNumbers") String pan, @ForAll("separators") List<String> separators,
            @ForAll("cardPrefixes") String prefix, @ForAll("cardSuffixes") String suffix) {
        StringBuilder written = new StringBuilder();
        for (int i = 0; i < pan.length(); i++) {
            written.append(pan.charAt(i));
            if (i < pan.length() - 1) {
                written.append(separators.get(i));
            }
        }
        // the shapes CardNumbers documents as other identifiers, exactly: no one types a card so
        Assume.that(!written.toString().matches(
                "\\d{3}-\\d{7}-\\d{7}|\\d{2}-\\d{2}-\\d{2} \\d{8}|\\d{9} \\d{9}"));
        ConversationId id = freshConversation();

        ParticipantMessage posted = chat().postMessage(STAFF, id, NewMessage.of(prefix + written + suffix));

        String stored = lastMessage(id).body();
        assertThat(stored).isEqualTo(posted.body());
        assertThat(stored.replaceAll("[ -]", "")).doesNotContain(pan);
        assertThat(stored).contains("**** " + pan.substring(pan.length() - 4));
    }

    /** Luhn-valid numbers with a card network's prefix and one of its lengths. */
    @Provide
    Arbitrary<String> cardNumbers() {
        return Arbitraries.of(NETWORKS).flatMap(network -> Arbitraries.strings().numeric()
                .ofLength(Integer.parseInt(network[1]) - network[0].length() - 1)
                .map(body -> network[0] + body + luhnDigit(network[0] + body)));
    }

    /** Prefix and length of each network's cards (the masking rule's table, written out independently). */
    private static final List<String[]> NETWORKS = List.of(
            new String[] {"4", "13"}, new String[] {"4", "16"}, new String[] {"4", "19"}, new String[] {"51", "16"},
            new String[] {"55", "16"}, new String[] {"2221", "16"}, new String[] {"2720", "16"},
            new String[] {"34", "15"}, new String[] {"37", "15"}, new String[] {"6011", "16"},
            new String[] {"65", "16"}, new String[] {"3528", "16"}, new String[] {"3589", "19"},
            new String[] {"36", "14"}, new String[] {"62", "16"}, new String[] {"62", "19"});

    @Provide
    Arbitrary<List<String>> separators() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("")), Tuple.of(1, Arbitraries.just(" ")),
                Tuple.of(1, Arbitraries.just("-"))).list().ofSize(18);
    }

    @Provide
    Arbitrary<String> cardPrefixes() {
        return Arbitraries.of("", "card ", "PAN: ", "(", "my card is\n", "карта ", "😀 ", "'; --");
    }

    @Provide
    Arbitrary<String> cardSuffixes() {
        return Arbitraries.of("", " please", ")", ".", ", thanks", "\n😀", " exp. soon");
    }

    private static char luhnDigit(String digits) {
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

    // ---- generators -------------------------------------------------------------------------------

    private static final List<String> NASTY = List.of(
            "😀", "👩‍💻", "🇩🇪", "\uD83D\uDE00", "\uD800", "\uDC00", "\uDBFF", "مرحبا بالعالم", "שלום", "\u202Eevil\u202C",
            "\u200F", "\u0000", "\u0001", "\u001B[31m", "\u007F", "\u0085", "\u009F", "\r\n", "\r", "\n", "\t", "\u000B",
            "\f", "\u2028", "\u2029", "\uFEFF", "\u00A0", "\u3000", "   ", "'; DROP TABLE jdbitest_messages; --",
            "' OR '1'='1", "\" OR 1=1 --", "%", "_", "\\", "\\\\", "\\u0000", "{\"a\":\"b\\\"\"}", "[]", "null",
            "</script><script>alert(1)</script>", "]]>", "${prefix}", ":id", "?", "?::text", "$1", "/*", "*/", "--",
            "e\u0301", "Ǆ", "ß", "İ", "𝕏", "\uFFFF", "\uFFFE", "4111 1111 1111 1111", "5555-5555-5555-4444",
            "378282246310005", "+44 20 7946 0958", "DE89 3704 0044 0532 0130 00", "0", "-1", "9223372036854775808");

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> fragment = Arbitraries.oneOf(
                Arbitraries.of(NASTY),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u0000', '\u001F').ofMaxLength(3),
                Arbitraries.strings().alpha().numeric().withChars(' ', '-').ofMaxLength(30));
        Arbitrary<String> mixed = fragment.list().ofMaxSize(40).map(parts -> String.join("", parts));
        Arbitrary<String> nearLimit = Arbitraries.strings().withChars('a', 'é', ' ', '\n').ofMinLength(3990)
                .ofMaxLength(4010);
        Arbitrary<String> emojiNearLimit = Arbitraries.integers().between(3995, 4005)
                .map(n -> "😀".repeat(n));
        Arbitrary<String> huge = Arbitraries.strings().all().ofMaxLength(10_000);
        return Arbitraries.frequencyOf(
                Tuple.of(10, mixed),
                Tuple.of(2, nearLimit),
                Tuple.of(1, emojiNearLimit),
                Tuple.of(1, huge),
                Tuple.of(1, Arbitraries.of("", " ", "\n\t ", "\u0000")),
                Tuple.of(1, Arbitraries.just(null)));
    }

    @Provide
    Arbitrary<String> postBodies() {
        return Arbitraries.oneOf(bodies(), mostlyValidBodies());
    }

    /** Bodies the default policy mostly accepts, so that properties about other inputs get past it. */
    @Provide
    Arbitrary<String> mostlyValidBodies() {
        Arbitrary<String> clean = Arbitraries.oneOf(
                        Arbitraries.of("😀", "👩‍💻", "مرحبا", "שלום", "'; DROP TABLE x; --", "\"", "\\", "{}", "%_",
                                " 4111 1111 1111 1111 ", " 378282246310005 ", "\r\n", "\n", "\t", " "),
                        Arbitraries.strings().alpha().numeric().withChars(' ', '-', 'é', '€').ofMinLength(1)
                                .ofMaxLength(30))
                .list().ofMinSize(1).ofMaxSize(20).map(parts -> "x" + String.join("", parts));
        return Arbitraries.frequencyOf(Tuple.of(9, clean), Tuple.of(1, bodies()));
    }

    @Provide
    Arbitrary<String> clientMessageIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(6, ids()),
                Tuple.of(2, Arbitraries.create(() -> "cmid-" + UUID.randomUUID())),
                // ids() rejects rarely, and only bodies the policy accepts reach the id check
                Tuple.of(4, Arbitraries.integers().between(129, 200).map(n -> "c".repeat(n))));
    }

    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> fragment = Arbitraries.oneOf(Arbitraries.of(NASTY),
                Arbitraries.strings().all().ofMaxLength(10),
                Arbitraries.strings().alpha().numeric().withChars('-', '_', ' ').ofMinLength(1).ofMaxLength(20));
        Arbitrary<String> clean = Arbitraries.strings().alpha().numeric().withChars('-', '_', ' ', '.', '@', '%', '\'',
                '"', '\\', 'é', 'ß', '€', '中').ofMinLength(1).ofMaxLength(40);
        return Arbitraries.frequencyOf(
                Tuple.of(8, clean),
                Tuple.of(1, Arbitraries.just(null)),
                Tuple.of(1, Arbitraries.of("", " ", "\t", "\u3000")),
                Tuple.of(6, fragment.list().ofMinSize(1).ofMaxSize(5).map(parts -> String.join("", parts))),
                Tuple.of(2, Arbitraries.integers().between(120, 140).map(n -> "x".repeat(n))),
                Tuple.of(1, Arbitraries.integers().between(125, 131).map(n -> "😀".repeat(n / 2) + "x".repeat(n % 2))),
                Tuple.of(1, Arbitraries.integers().between(126, 130).map(n -> " " + "y".repeat(n) + " ")));
    }

    @Provide
    Arbitrary<ConversationKind> kinds() {
        return Arbitraries.of(ConversationKind.class).injectNull(0.4);
    }

    @Provide
    Arbitrary<ParticipantType> types() {
        return Arbitraries.of(ParticipantType.class).injectNull(0.4);
    }

    @Provide
    Arbitrary<CursorMutation> cursorMutations() {
        return Arbitraries.oneOf(
                Arbitraries.of(MutationKind.NONE, MutationKind.ABSENT).map(k -> new CursorMutation(k, 0, (char) 0, null)),
                Arbitraries.strings().all().ofMaxLength(300).map(s -> new CursorMutation(MutationKind.RANDOM, 0, (char) 0, s)),
                Arbitraries.of(MutationKind.REPLACE_CHAR, MutationKind.DELETE_CHAR, MutationKind.INSERT_CHAR,
                                MutationKind.TRUNCATE, MutationKind.APPEND, MutationKind.DECODE_EDIT_ENCODE)
                        .flatMap(kind -> Arbitraries.integers().between(0, 400)
                                .flatMap(at -> Arbitraries.chars().all().map(c -> new CursorMutation(kind, at, c,
                                        null)))));
    }

    enum MutationKind { ABSENT, NONE, RANDOM, REPLACE_CHAR, DELETE_CHAR, INSERT_CHAR, TRUNCATE, APPEND, DECODE_EDIT_ENCODE }

    /** How a test derives the cursor it sends from a real one. */
    record CursorMutation(MutationKind kind, int at, char c, String random) {
        String apply(Supplier<String> real) {
            if (kind == MutationKind.ABSENT) {
                return null;
            }
            if (kind == MutationKind.RANDOM) {
                return random;
            }
            String cursor = Objects.requireNonNull(real.get(), "a real cursor");
            int i = at % cursor.length();
            return switch (kind) {
                case NONE -> cursor;
                case REPLACE_CHAR -> cursor.substring(0, i) + c + cursor.substring(i + 1);
                case DELETE_CHAR -> cursor.substring(0, i) + cursor.substring(i + 1);
                case INSERT_CHAR -> cursor.substring(0, i) + c + cursor.substring(i);
                case TRUNCATE -> cursor.substring(0, i);
                case APPEND -> cursor + String.valueOf(c).repeat(1 + at % 5);
                case DECODE_EDIT_ENCODE -> {
                    // a well-formed cursor whose position was edited: its MAC must no longer match
                    String text = new String(java.util.Base64.getUrlDecoder().decode(cursor),
                            java.nio.charset.StandardCharsets.UTF_8);
                    String edited = text.replaceFirst("\\|(\\d+)", "|" + (at + 1_000_000));
                    yield java.util.Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(edited.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                default -> throw new IllegalStateException(kind.name());
            };
        }
    }

    // ---- oracles and helpers ----------------------------------------------------------------------

    /** What posting should do: the stored body and client id, or the field it is rejected on. */
    private record Expected(String body, String clientMessageId, String rejectedField) {
    }

    private static Expected expectPost(String body, String clientMessageId) {
        String policyRejects = policyRejection(body);
        if (policyRejects != null) {
            return new Expected(null, null, policyRejects);
        }
        if (!validId(clientMessageId, false)) {
            return new Expected(null, null, "clientMessageId");
        }
        if (clientMessageId != null && !clientMessageId.isEmpty() && clientMessageId.isBlank()) {
            // a blank client id is refused, not dropped: a retry would otherwise store twice
            return new Expected(null, null, "clientMessageId");
        }
        String stored = clientMessageId == null || clientMessageId.isBlank() ? null : clientMessageId.strip();
        return new Expected(ContentPolicy.defaults().apply(body), stored, null);
    }

    /** The field the default policy rejects the body on, or null if it accepts it. */
    private static String policyRejection(String body) {
        try {
            ContentPolicy.defaults().apply(body);
            return null;
        } catch (ValidationException e) {
            assertThat(e.errors()).extracting(error -> error.field()).containsOnly("body");
            return "body";
        }
    }

    /**
     * The documented id rule: at most 128 chars once trimmed, no control chars or lone
     * surrogates, not made only of invisible characters, no invisible formatting character
     * (zero-width, BOM, bidi controls, soft hyphen; a zero-width joiner between two emoji is
     * fine), no invisible combining mark (variation selectors outside emoji, CGJ, Mongolian
     * selectors) nor a leading one, no space but U+0020, Unicode NFC, and no card number.
     */
    static boolean validId(String id, boolean required) {
        if (id == null || id.isBlank()) {
            return !required;
        }
        String s = id.strip();
        if (s.length() > 128) {
            return false;
        }
        boolean visible = false;
        int previous = -1;
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1)))) {
                return false;
            }
            int cp = s.codePointAt(i);
            int width = Character.charCount(cp);
            int next = i + width < s.length() ? s.codePointAt(i + width) : -1;
            int type = Character.getType(cp);
            boolean emojiJoiner = cp == 0x200D && isSymbol(previous) && isSymbol(next);
            boolean emojiPresentation = (cp == 0xFE0E || cp == 0xFE0F) && isSymbol(previous);
            boolean mark = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK;
            boolean ignorableMark = cp == 0x034F || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F)
                    || (cp >= 0xFE00 && cp <= 0xFE0F && !emojiPresentation) || (cp >= 0xE0100 && cp <= 0xE01EF);
            if ((type == Character.FORMAT && !emojiJoiner) || (Character.isSpaceChar(cp) && cp != ' ')
                    || FILLERS.contains(cp) || type == Character.PRIVATE_USE || ignorableMark
                    || (previous == -1 && mark)) {
                return false;
            }
            if (type != Character.FORMAT && type != Character.NON_SPACING_MARK && type != Character.ENCLOSING_MARK
                    && !Character.isWhitespace(cp)) {
                visible = true;
            }
            if (!mark) {
                previous = cp;
            }
            i += width;
        }
        return visible && java.text.Normalizer.isNormalized(s, java.text.Normalizer.Form.NFC)
                && !dev.txchat.core.internal.CardNumbers.contains(s);
    }

    private static final Set<Integer> FILLERS = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180E, 0x17B4, 0x17B5);

    private static boolean isSymbol(int cp) {
        return cp >= 0 && (Character.getType(cp) == Character.OTHER_SYMBOL
                || Character.getType(cp) == Character.MODIFIER_SYMBOL);
    }

    private ConversationId freshConversation() {
        return chat().startConversation(STAFF, new StartConversation(
                ParticipantRef.businessUser("hostile-user", "hostile-org"), "hostile input", NewMessage.of("first")))
                .id();
    }

    private ParticipantMessage lastMessage(ConversationId id) {
        return chat().listMessages(STAFF, id, PageRequest.last(1)).nodes().get(0);
    }

    private long allConversations() {
        return chat().listConversations(STAFF, ConversationFilter.all().includingDeleted(), PageRequest.first(1))
                .totalCount();
    }

    private int ticketConversations(String transactionId) {
        if (transactionId == null) {
            return -1;
        }
        try {
            return chat().ticket(STAFF, transactionId).conversations().size();
        } catch (NotFoundException e) {
            return 0;
        }
    }

    /**
     * Fails the property if a generator stops producing one of the outcomes it must exercise.
     * Asks for each at least once: a percentage threshold fails by chance on some seeds.
     */
    private static void coverage(String label, String outcome, String... required) {
        Statistics.label(label).collect(outcome);
        Statistics.label(label).coverage(checker -> {
            for (String value : required) {
                checker.check(value).count(c -> c >= 1);
            }
        });
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Test output that shows invisible characters. */
    static String describe(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().limit(60).forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || Character.isSurrogate((char) cp) && cp <= 0xFFFF
                    || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append(s.length() > 60 ? "…\" (" + s.length() + " chars)" : "\"").toString();
    }
}
