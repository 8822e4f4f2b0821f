package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatException;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import dev.txchat.testkit.InMemoryChatStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A card number written through every field a caller or the host's ledger controls never
 * comes back out: not from the tables (every column of every txchat table is read back),
 * not in an event, a return value, an exception message, or a log line (the logger's
 * output is captured while the calls run, with a failing listener to make it log). The
 * check is deliberately crude: all digits of everything observed, in any script,
 * concatenated without separators, must not contain the card's digits.
 */
class NoCardNumberLeaksTest {

    private static final String CARD_DIGITS = "5555555555554444";
    /** The same card as an attacker would write it in each field. */
    private static final List<String> WRITTEN_AS = List.of("5555 5555 5555 4444", "5555-5555-5555-4444",
            "5555.5555.5555.4444", "5555\u00A05555\u00A05555\u00A04444", "5555\u200B5555\u200B5555\u200B4444",
            "\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF15\uFF14\uFF14\uFF14\uFF14",
            "5555555555554444");
    private static final Actor STAFF = Actor.service("leak-staff-" + UUID.randomUUID(),
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
            ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "H2", "POSTGRESQL", "MARIADB"})
    void aCardWrittenThroughEveryFieldNeverComesBackOut(String storeName) {
        InMemoryChatStore memory = new InMemoryChatStore();
        String prefix = "leak" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        Jdbi jdbi = storeName.equals("in-memory") ? null : TestDatabases.store(Dialect.valueOf(storeName)).jdbi();
        ChatStore store = memory;
        if (jdbi != null) {
            JdbiChatStore jdbiStore = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
            jdbiStore.migrate();
            store = jdbiStore;
        }
        StringBuilder observed = new StringBuilder();
        List<ChatEvent> events = new CopyOnWriteArrayList<>();
        FakeTransactionDirectory directory = new FakeTransactionDirectory();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try (ChatService chat = ChatService.builder().store(store).transactionDirectory(directory)
                .listener(events::add)
                .listener(event -> {
                    throw new IllegalStateException("listener failing on " + event);
                })
                .build()) {
            for (String card : WRITTEN_AS) {
                writeThroughEveryField(chat, directory, card, observed);
            }
        } finally {
            System.setErr(originalErr);
            if (jdbi != null) {
                observed.append(dumpTables(jdbi, prefix));
                TestDatabases.dropTables(jdbi, prefix);
            }
        }
        observed.append(events).append(logs.toString(StandardCharsets.UTF_8));

        assertThat(logs.size()).as("the failing listener was logged").isPositive();
        assertThat(digitsOf(observed)).as("every digit observed, separators removed").doesNotContain(CARD_DIGITS);
    }

    private static void writeThroughEveryField(ChatService chat, FakeTransactionDirectory directory, String card,
                                               StringBuilder observed) {
        Actor user = Actor.business("leak-user-" + UUID.randomUUID(), "leak-org-" + UUID.randomUUID());
        String tx = "leak-tx-" + UUID.randomUUID();
        directory.register(tx, Map.of("card", card, card, "as a key", "note", "paid with " + card),
                new WalletOwner(user.userId(), user.organizationId()));
        ParticipantRef ref = ParticipantRef.businessUser(user.userId(), user.organizationId());
        List<Runnable> calls = new ArrayList<>();
        ConversationId[] id = new ConversationId[1];
        calls.add(() -> {
            var opened = chat.openTransactionChat(STAFF, new OpenTransactionChat(tx, ref, NewMessage.of("card " + card)));
            id[0] = opened.conversation().id();
            observed.append(opened);
        });
        calls.add(() -> observed.append(chat.startConversation(STAFF, new StartConversation(ref, "about " + card,
                NewMessage.of(card)))));
        calls.add(() -> observed.append(chat.postMessage(user, id[0], NewMessage.of("mine is " + card))));
        calls.add(() -> observed.append(chat.postMessage(user, id[0], NewMessage.of("x", "cid " + card))));
        calls.add(() -> observed.append(chat.openTransactionChat(STAFF, new OpenTransactionChat("tx " + card, ref,
                NewMessage.of("x")))));
        calls.add(() -> observed.append(Actor.business("user " + card, "org")));
        calls.add(() -> observed.append(Actor.business("user", "org " + card)));
        calls.add(() -> observed.append(ParticipantRef.businessUser(card, null)));
        calls.add(() -> observed.append(chat.accountThread(STAFF, card)));
        calls.add(() -> observed.append(chat.ticket(STAFF, card)));
        calls.add(() -> observed.append(chat.addParticipant(STAFF, id[0], ParticipantRef.businessAccount(card))));
        calls.add(() -> observed.append(chat.listConversations(STAFF, ConversationFilter.all().withParticipantId(card),
                PageRequest.first(10))));
        calls.add(() -> observed.append(chat.listMessages(STAFF, id[0], PageRequest.first(10, card))));
        calls.add(() -> observed.append(chat.listMessages(user, id[0], PageRequest.first(100))));
        calls.add(() -> observed.append(chat.listConversations(user, ConversationFilter.all(), PageRequest.first(100))));
        calls.add(() -> observed.append(chat.ticket(STAFF, tx)));
        calls.add(() -> observed.append(chat.markRead(user, id[0], ParticipantType.SERVICE)));
        for (Runnable call : calls) {
            try {
                call.run();
            } catch (ChatException e) {
                observed.append(e).append(e.getMessage());
            }
        }
    }

    private static String dumpTables(Jdbi jdbi, String prefix) {
        StringBuilder dump = new StringBuilder();
        jdbi.useHandle(h -> {
            for (String table : List.of("tickets", "conversations", "participants", "messages", "secrets")) {
                h.createQuery("SELECT * FROM " + prefix + table).mapToMap().forEach(row -> dump.append(row.values()));
            }
        });
        return dump.toString();
    }

    /** Every decimal digit of the text, in any script, as ASCII, with everything else removed. */
    private static String digitsOf(CharSequence text) {
        StringBuilder digits = new StringBuilder();
        text.codePoints().filter(Character::isDigit).forEach(cp -> digits.append(Character.digit(cp, 10)));
        return digits.toString();
    }
}
