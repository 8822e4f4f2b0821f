package dev.txchat.examples;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationView;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.ChatDataSources;
import dev.txchat.jdbi.JdbiChatStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The txchat demo: both products on an embedded H2 file database, printed as a transcript.
 *
 * <p>Run it with {@code mvn -B -q -pl chat-examples -am -DskipTests package exec:java}.
 * The database lives in a fresh temporary folder (or the folder given as the first
 * argument), so every run starts from nothing and needs no setup.
 */
public final class Demo {

    private static final String TRANSACTION = "tx-2026-000187";

    private final ChatService chat;
    private final PrintStream out;

    private Demo(ChatService chat, PrintStream out) {
        this.chat = chat;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        Path folder = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("txchat-demo-");
        run(folder, System.out);
    }

    /** Runs the whole demo against an H2 database in {@code folder}. */
    public static void run(Path folder, PrintStream out) {
        String url = "jdbc:h2:file:" + folder.toAbsolutePath().resolve("chat") + ";DB_CLOSE_ON_EXIT=FALSE";
        DataSource dataSource = ChatDataSources.hikari(url, "sa", "");
        try {
            JdbiChatStore store = JdbiChatStore.create(dataSource);
            store.migrate();

            AtomicInteger events = new AtomicInteger();
            ChatService chat = ChatService.builder()
                    .store(store)
                    .transactionDirectory(Demo::ledger)
                    .listener(event -> events.incrementAndGet())
                    .build();
            out.println("txchat demo — H2 database at " + url);
            new Demo(chat, out).play();
            out.println();
            out.println("listeners heard " + events.get() + " events; done.");
        } finally {
            if (dataSource instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The host's ledger: one card payment between a buyer and a seller. */
    private static Optional<TransactionInfo> ledger(String transactionId) {
        if (!TRANSACTION.equals(transactionId)) {
            return Optional.empty();
        }
        return Optional.of(new TransactionInfo(transactionId,
                Set.of(new WalletOwner("bob", "acme-shop"), new WalletOwner("carol", null)),
                Map.of("amount", "149.90 EUR", "status", "DISPUTED", "type", "CARD_PAYMENT")));
    }

    private void play() {
        Actor alice = Actor.service("alice@platform",
                ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
                ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
        Actor dave = Actor.service("dave@platform",
                ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
        Actor bob = Actor.business("bob", "acme-shop");
        Actor erin = Actor.business("erin", "acme-shop");

        heading("1. Transaction chat: staff open a chat with the seller about a disputed payment");
        TransactionChat first = chat.openTransactionChat(alice, new OpenTransactionChat(TRANSACTION,
                ParticipantRef.businessUser("bob", "acme-shop"),
                NewMessage.of("Hello Bob, the buyer disputes payment " + TRANSACTION + ". Can you share the receipt?")));
        out.printf("opened conversation %s (created=%s), ticket details %s%n",
                first.conversation().id(), first.created(), first.ticket().details());

        TransactionChat again = chat.openTransactionChat(alice, new OpenTransactionChat(TRANSACTION,
                ParticipantRef.businessUser("bob", "acme-shop"), NewMessage.of("Reminder: we need it by Friday.")));
        out.printf("opened again: same conversation=%s, created=%s, message #%d appended%n",
                again.conversation().id().equals(first.conversation().id()), again.created(),
                again.message().sequence());

        chat.postMessage(bob, first.conversation().id(),
                NewMessage.of("Sure. The buyer paid with card 4111 1111 1111 1111, receipt attached."));
        out.println("bob replied (his card number is masked before storage):");
        transcript(alice, first.conversation().id().toString(), PageRequest.first(10));
        unread("alice", alice, first.conversation());
        unread("bob", bob, first.conversation());

        heading("2. Account thread: one continuous thread between the platform and seller acme-shop");
        Conversation thread = chat.accountThread(bob, "acme-shop");
        chat.postMessage(bob, thread.id(), NewMessage.of("Hi, when is our next payout?"));
        chat.postMessage(erin, thread.id(), NewMessage.of("Also: can we add a second IBAN?"));
        chat.postMessage(alice, thread.id(), NewMessage.of("Payout runs on Monday."));
        chat.postMessage(dave, thread.id(), NewMessage.of("Second IBANs are supported; send it via settings."));
        out.printf("bob, erin (both acme-shop), alice and dave (staff) all wrote into thread %s%n", thread.id());
        transcript(erin, thread.id().toString(), PageRequest.first(10));
        unread("erin", erin, thread);

        ReadReceipt receipt = chat.markRead(erin, thread.id(), ParticipantType.SERVICE);
        out.printf("erin marked the operator's messages read: %d marked%n", receipt.markedRead());
        unread("erin", erin, thread);
        unread("bob (same account, same thread)", bob, thread);
        unread("alice (operator side)", alice, thread);

        heading("3. Cursor paging: walking the account thread two messages at a time");
        for (int i = 1; i <= 3; i++) {
            chat.postMessage(bob, thread.id(), NewMessage.of("follow-up " + i));
        }
        String after = null;
        int pageNumber = 0;
        do {
            Page<ParticipantMessage> page = chat.listMessages(alice, thread.id(), PageRequest.first(2, after));
            pageNumber++;
            out.printf("page %d (totalCount=%d, hasNextPage=%s):%n", pageNumber, page.totalCount(),
                    page.pageInfo().hasNextPage());
            page.nodes().forEach(this::line);
            after = page.pageInfo().hasNextPage() ? page.pageInfo().endCursor() : null;
        } while (after != null);

        heading("4. What staff see: conversations of acme-shop, newest activity first");
        Page<ConversationView> list = chat.listConversations(alice,
                ConversationFilter.all().withParticipantId("acme-shop"), PageRequest.first(10));
        for (ConversationView view : list.nodes()) {
            out.printf("  %-11s %s messages=%d unread(for staff)=%d last=\"%s\"%n", view.conversation().kind(),
                    view.id(), view.messageCount(), view.unreadCount(),
                    view.lastMessage() == null ? "" : view.lastMessage().body());
        }
    }

    private void transcript(Actor reader, String conversationId, PageRequest page) {
        chat.listMessages(reader, dev.txchat.core.ConversationId.parse(conversationId), page)
                .nodes().forEach(this::line);
    }

    private void line(ParticipantMessage m) {
        String who = m.message().authorUserId() + (m.sender().userId() == null
                ? " as " + (m.sentByType() == ParticipantType.SERVICE ? "platform" : m.sender().organizationId())
                : "");
        out.printf("  #%-2d %-8s %-26s %s%s%n", m.sequence(), m.sentByType(), who, m.body(),
                m.readAt() == null ? "" : "  (read)");
    }

    private void unread(String label, Actor actor, Conversation conversation) {
        out.printf("  unread for %s: %d%n", label, chat.getConversation(actor, conversation.id()).unreadCount());
    }

    private void heading(String text) {
        out.println();
        out.println("== " + text);
    }
}
