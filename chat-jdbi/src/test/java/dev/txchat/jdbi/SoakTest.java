package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationView;
import dev.txchat.core.MessageId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Soak: {@value #THREADS} threads run a mix of every {@code ChatService} call over
 * {@value #CONVERSATIONS} conversations (transaction chats, account threads, direct chats),
 * then the invariants are checked with SQL on the tables and through the API: sequences
 * gapless, message and unread counters equal the rows, one live conversation per key, and
 * every message acknowledged to a caller stored with its body. Loopback only; bounded in
 * count ({@code -Dtxchat.soak.operations}, default 20,000) and time
 * ({@code -Dtxchat.soak.maxSeconds}, default 600). The long form:
 * {@code mvn -pl chat-jdbi test -Dtest=SoakTest -Dtxchat.soak.operations=200000}.
 *
 * <p>Prints and writes to {@code target/soak-<db>.txt} one summary line per database.
 * A NotFoundException or ConflictException caused by a concurrent delete is an expected
 * outcome (counted as {@code expectedRejections}); any other exception is a failure.
 */
class SoakTest {

    static final int THREADS = 8;
    static final int CONVERSATIONS = 200;
    private static final String PREFIX = "jdbisoak_";
    private static final int ORGANIZATIONS = 20;
    private static final int TRANSACTION_CHATS = 140;
    private static final int ACCOUNT_THREADS = 20;

    private static final int OPERATIONS = Integer.getInteger("txchat.soak.operations", 20_000);
    private static final int MAX_SECONDS = Integer.getInteger("txchat.soak.maxSeconds", 600);
    private static final long SEED = Long.getLong("txchat.soak.seed", System.nanoTime());
    /** Whether the known listMessages bug counts as a failure (set once chat-core is fixed). */

    @ParameterizedTest
    @EnumSource(names = {"H2", "POSTGRESQL", "MARIADB"})
    void mixedConcurrentLoadKeepsEveryInvariantAndLosesNoAcknowledgedMessage(Dialect dialect) throws Exception {
        TestDatabases.requireAvailable(dialect);
        String initSql = null;
        try (HikariDataSource pool = TestDatabases.pool(dialect, initSql, THREADS + 2)) {
            Jdbi jdbi = Jdbi.create(pool);
            TestDatabases.dropTables(jdbi, PREFIX);
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix(PREFIX);
            store.migrate();
            FakeTransactionDirectory directory = new FakeTransactionDirectory();
            Soak soak = new Soak(ChatService.builder().store(store).transactionDirectory(directory).build(), directory);
            soak.setUp();

            long started = System.nanoTime();
            soak.run();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            List<String> violations = new ArrayList<>(soak.violations);
            violations.addAll(StoreInvariants.violations(jdbi, PREFIX));
            // the maintained conversation counts equal COUNT(*) for every list over the soaked ids
            CountsCheck.mismatches(store).forEach(m -> violations.add("conversation count: " + m));
            violations.addAll(soak.checkAcknowledged(jdbi));
            violations.addAll(soak.checkThroughTheApi());
            long conversations = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + PREFIX + "conversations")
                    .mapTo(Long.class).one());
            long messages = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + PREFIX + "messages")
                    .mapTo(Long.class).one());
            violations.addAll(soak.checkNothingLandedInDeletedConversations());
            String db = dialect == Dialect.POSTGRESQL ? "postgresql" : dialect.name().toLowerCase();
            String summary = "soak " + db + ": operations=" + soak.done.get() + " threads=" + THREADS
                    + " conversations=" + CONVERSATIONS + " failures=" + soak.failures.size()
                    + " invariantViolations=" + violations.size() + " elapsedMs=" + elapsedMs
                    + " conversationsCreated=" + conversations + " messagesStored=" + messages
                    + " acknowledgedMessages=" + soak.acknowledged.size()
                    + " expectedRejections=" + soak.expectedRejections.get()
                    + " deletedConversations=" + soak.countAtDelete.size() + " seed=" + SEED;
            System.out.println(summary);
            write(db, summary);

            assertThat(soak.failures).as("unexpected exceptions").isEmpty();
            assertThat(violations).as("invariant violations").isEmpty();
            assertThat(soak.done.get()).isGreaterThanOrEqualTo(OPERATIONS);
        }
    }

    private static void write(String db, String summary) throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("soak-" + db + ".txt"), summary + System.lineSeparator(),
                StandardCharsets.UTF_8);
    }

    // ---- the workload ---------------------------------------------------------------------------

    /** One of the conversations the load works on; deleting it makes the slot point at its successor. */
    static final class Slot {
        final int index;
        final ConversationKind kind;
        final String transactionId;
        final String organizationId;
        final ParticipantRef businessUser;
        final Actor business;
        volatile ConversationId current;
        /** Recent client message ids per author: a repeat by its own author must return the first message. */
        final Map<String, Queue<String>> clientMessageIds = new ConcurrentHashMap<>();

        Slot(int index, ConversationKind kind, String transactionId, String organizationId, ParticipantRef businessUser,
             Actor business) {
            this.index = index;
            this.kind = kind;
            this.transactionId = transactionId;
            this.organizationId = organizationId;
            this.businessUser = businessUser;
            this.business = business;
        }
    }

    record Ack(ConversationId conversation, String body) {
    }

    static final class Soak {
        final ChatService chat;
        final FakeTransactionDirectory directory;
        final List<Slot> slots = new ArrayList<>();
        final AtomicInteger issued = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicLong expectedRejections = new AtomicLong();
        final Map<MessageId, Ack> acknowledged = new ConcurrentHashMap<>();
        final Map<String, MessageId> byClientId = new ConcurrentHashMap<>();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        final Queue<String> violations = new ConcurrentLinkedQueue<>();
        /** Message count of each deleted conversation right after its delete committed: it must never grow. */
        final Map<ConversationId, Long> countAtDelete = new ConcurrentHashMap<>();

        Soak(ChatService chat, FakeTransactionDirectory directory) {
            this.chat = chat;
            this.directory = directory;
        }

        void setUp() {
            Actor staff = staff(0);
            for (int i = 0; i < CONVERSATIONS; i++) {
                String org = "soak-org-" + (i % ORGANIZATIONS);
                if (i < TRANSACTION_CHATS) {
                    // two business users per transaction, one chat each
                    String tx = "soak-tx-" + (i / 2);
                    String user = "soak-user-" + i;
                    directory.register(tx, Map.of("amount", (i / 2) + ".00 EUR"),
                            new WalletOwner("soak-user-" + (i / 2 * 2), "soak-org-" + ((i / 2 * 2) % ORGANIZATIONS)),
                            new WalletOwner("soak-user-" + (i / 2 * 2 + 1),
                                    "soak-org-" + ((i / 2 * 2 + 1) % ORGANIZATIONS)));
                    Slot slot = new Slot(i, ConversationKind.TRANSACTION, tx, org,
                            ParticipantRef.businessUser(user, org), Actor.business(user, org));
                    slot.current = chat.openTransactionChat(staff, new OpenTransactionChat(tx, slot.businessUser,
                            NewMessage.of("opening " + i))).conversation().id();
                    slots.add(slot);
                } else if (i < TRANSACTION_CHATS + ACCOUNT_THREADS) {
                    String account = "soak-account-" + i;
                    Slot slot = new Slot(i, ConversationKind.ACCOUNT, null, account, null,
                            Actor.business("soak-account-user-" + i, account));
                    slot.current = chat.accountThread(staff, account).id();
                    slots.add(slot);
                } else {
                    String user = "soak-direct-user-" + i;
                    Slot slot = new Slot(i, ConversationKind.DIRECT, null, org, ParticipantRef.businessUser(user, org),
                            Actor.business(user, org));
                    slot.current = startDirect(staff, slot);
                    slots.add(slot);
                }
            }
        }

        ConversationId startDirect(Actor staff, Slot slot) {
            return chat.startConversation(staff, new StartConversation(slot.businessUser, "direct " + slot.index,
                    NewMessage.of("hello " + slot.index))).id();
        }

        void run() throws Exception {
            ExecutorService executor = Executors.newFixedThreadPool(THREADS);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    workers.add(executor.submit(() -> {
                        start.await();
                        Random random = new Random(SEED + thread);
                        Actor staff = staff(thread);
                        while (issued.getAndIncrement() < OPERATIONS) {
                            operate(thread, random, staff);
                            done.incrementAndGet();
                        }
                        return null;
                    }));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
                for (Future<?> worker : workers) {
                    worker.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            } finally {
                executor.shutdownNow();
            }
        }

        private void operate(int thread, Random random, Actor staff) {
            Slot slot = slots.get(random.nextInt(slots.size()));
            ConversationId id = slot.current;
            ConversationId[] target = {id};
            int dice = random.nextInt(100);
            String op = "?";
            try {
                if (dice < 12) {
                    op = "openTransactionChat";
                    Slot chatSlot = slot.kind == ConversationKind.TRANSACTION ? slot : slots.get(random.nextInt(
                            TRANSACTION_CHATS));
                    String clientId = random.nextBoolean() ? null : clientId(chatSlot, staff, random);
                    TransactionChat opened;
                    // a slot's current conversation changes under its monitor, so that a slower
                    // thread never writes back a conversation another thread has since deleted
                    synchronized (chatSlot) {
                        opened = chat.openTransactionChat(staff, new OpenTransactionChat(chatSlot.transactionId,
                                chatSlot.businessUser, NewMessage.of(body(thread, "open"), clientId)));
                        chatSlot.current = opened.conversation().id();
                    }
                    if (opened.conversation().isDeleted()) {
                        violations.add("openTransactionChat appended to deleted conversation " + opened.conversation().id());
                    }
                    acknowledge(opened.message(), opened.conversation().id(), clientId);
                } else if (dice < 37) {
                    op = "postMessage staff";
                    String clientId = random.nextInt(3) == 0 ? null : clientId(slot, staff, random);
                    acknowledge(chat.postMessage(staff, id, NewMessage.of(body(thread, "staff"), clientId)), id,
                            clientId);
                } else if (dice < 50) {
                    op = "postMessage business";
                    String clientId = random.nextBoolean() ? null : clientId(slot, slot.business, random);
                    acknowledge(chat.postMessage(slot.business, id, NewMessage.of(body(thread, "client"), clientId)),
                            id, clientId);
                } else if (dice < 58) {
                    op = "markRead";
                    if (random.nextBoolean()) {
                        chat.markRead(staff, id, ParticipantType.BUSINESS);
                    } else {
                        chat.markRead(slot.business, id, ParticipantType.SERVICE);
                        ConversationView view = chat.getConversation(slot.business, id);
                        if (view.unreadCount() < 0) {
                            violations.add("negative unread count in " + id);
                        }
                    }
                } else if (dice < 68) {
                    op = "listMessages";
                    pageMessages(random.nextBoolean() ? staff : slot.business, id, random);
                } else if (dice < 75) {
                    op = "listConversations";
                    listConversations(random.nextBoolean() ? staff : slot.business, slot, random);
                } else if (dice < 81) {
                    op = "accountThread";
                    Slot account = slots.get(TRANSACTION_CHATS + random.nextInt(ACCOUNT_THREADS));
                    Actor actor = random.nextBoolean() ? staff : account.business;
                    ConversationId thread0;
                    synchronized (account) {
                        thread0 = chat.accountThread(actor, account.organizationId).id();
                        account.current = thread0;
                    }
                    target[0] = thread0;
                    acknowledge(chat.postMessage(actor, thread0, NewMessage.of(body(thread, "account"))), thread0,
                            null);
                } else if (dice < 83) {
                    op = "deleteConversation";
                    synchronized (slot) {
                        chat.deleteConversation(staff, id);
                        // nothing may be appended after the delete committed
                        countAtDelete.putIfAbsent(id, chat.getConversation(staff, id).messageCount());
                        // the slot's key is free again: its successor replaces it
                        slot.current = switch (slot.kind) {
                            case TRANSACTION -> chat.openTransactionChat(staff, new OpenTransactionChat(
                                    slot.transactionId, slot.businessUser, NewMessage.of(body(thread, "reopen"))))
                                    .conversation().id();
                            case ACCOUNT -> chat.accountThread(staff, slot.organizationId).id();
                            case DIRECT -> startDirect(staff, slot);
                        };
                    }
                } else if (dice < 88) {
                    op = "addParticipant";
                    if (slot.kind != ConversationKind.ACCOUNT) {
                        chat.addParticipant(staff, id, ParticipantRef.serviceUser("soak-extra-" + random.nextInt(4)));
                    }
                } else if (dice < 92) {
                    op = "removeParticipant";
                    if (slot.kind != ConversationKind.ACCOUNT) {
                        List<Participant> extras = chat.getConversation(staff, id).conversation().participants()
                                .stream().filter(p -> p.isActive() && p.userId() != null
                                        && p.userId().startsWith("soak-extra-")).toList();
                        if (!extras.isEmpty()) {
                            chat.removeParticipant(staff, id, extras.get(random.nextInt(extras.size())).id());
                        }
                    }
                } else {
                    op = "getConversation";
                    ConversationView view = chat.getConversation(random.nextBoolean() ? staff : slot.business, id);
                    if (view.messageCount() > 0 && view.lastMessage() == null) {
                        violations.add("conversation " + id + " has messages but no last message");
                    }
                }
            } catch (NotFoundException | ConflictException e) {
                boolean participantGone = op.equals("removeParticipant") && e instanceof NotFoundException
                        && e.getMessage().contains("is not an active member");
                // expected only when another thread deleted the conversation (or removed the
                // participant) between picking and calling
                if (participantGone || wasDeleted(target[0])) {
                    expectedRejections.incrementAndGet();
                } else {
                    failures.add(op + " on live " + target[0] + ": " + e);
                }
            } catch (RuntimeException e) {
                failures.add(op + " on " + target[0] + ": " + e);
            }
        }

        private boolean wasDeleted(ConversationId id) {
            return chat.getConversation(staff(0), id).conversation().isDeleted();
        }

        private String clientId(Slot slot, Actor author, Random random) {
            // about a third of the ids are repeats by the same author, which must return the first message
            Queue<String> mine = slot.clientMessageIds.computeIfAbsent(author.userId(),
                    k -> new ConcurrentLinkedQueue<>());
            if (random.nextInt(3) == 0 && !mine.isEmpty()) {
                String repeat = mine.peek();
                if (repeat != null) {
                    return repeat;
                }
            }
            String fresh = "cmid-" + slot.index + "-" + author.userId() + "-" + random.nextInt(1_000_000);
            mine.add(fresh);
            while (mine.size() > 5) {
                mine.poll();
            }
            return fresh;
        }

        /** Deleted conversations still hold exactly the messages they held when the delete committed. */
        List<String> checkNothingLandedInDeletedConversations() {
            Actor staff = staff(0);
            List<String> found = new ArrayList<>();
            countAtDelete.forEach((id, count) -> {
                long now = chat.getConversation(staff, id).messageCount();
                if (now != count) {
                    found.add("deleted conversation " + id + " had " + count + " messages at its delete, now " + now);
                }
            });
            return found;
        }

        private void acknowledge(ParticipantMessage message, ConversationId conversation, String clientId) {
            if (!message.message().conversationId().equals(conversation)) {
                violations.add("message " + message.id() + " acknowledged in " + conversation + " but belongs to "
                        + message.message().conversationId());
            }
            Ack previous = acknowledged.putIfAbsent(message.id(), new Ack(message.message().conversationId(),
                    message.body()));
            if (previous != null && !previous.body().equals(message.body())) {
                violations.add("message " + message.id() + " acknowledged with two bodies");
            }
            if (clientId != null) {
                MessageId first = byClientId.putIfAbsent(message.message().conversationId() + "/" + clientId,
                        message.id());
                if (first != null && !first.equals(message.id())) {
                    violations.add("clientMessageId " + clientId + " in " + message.message().conversationId()
                            + " returned " + message.id() + " after " + first);
                }
            }
        }

        private void pageMessages(Actor actor, ConversationId id, Random random) {
            int size = 1 + random.nextInt(30);
            boolean forward = random.nextBoolean();
            Page<ParticipantMessage> first = chat.listMessages(actor, id,
                    forward ? PageRequest.first(size) : PageRequest.last(size));
            checkConsecutive(id, first.nodes());
            String cursor = forward ? first.pageInfo().endCursor() : first.pageInfo().startCursor();
            boolean more = forward ? first.pageInfo().hasNextPage() : first.pageInfo().hasPreviousPage();
            if (cursor == null || !more) {
                return;
            }
            Page<ParticipantMessage> second = chat.listMessages(actor, id,
                    forward ? PageRequest.first(size, cursor) : PageRequest.last(size, cursor));
            checkConsecutive(id, second.nodes());
            if (!second.nodes().isEmpty()) {
                long edge = forward ? first.nodes().get(first.nodes().size() - 1).message().sequence() + 1
                        : first.nodes().get(0).message().sequence() - 1;
                long actual = forward ? second.nodes().get(0).message().sequence()
                        : second.nodes().get(second.nodes().size() - 1).message().sequence();
                if (actual != edge) {
                    violations.add("page after cursor in " + id + " continues at " + actual + ", expected " + edge);
                }
            }
        }

        private void checkConsecutive(ConversationId id, List<ParticipantMessage> page) {
            for (int i = 1; i < page.size(); i++) {
                if (page.get(i).message().sequence() != page.get(i - 1).message().sequence() + 1) {
                    violations.add("page of " + id + " skips from " + page.get(i - 1).message().sequence() + " to "
                            + page.get(i).message().sequence());
                }
            }
        }

        private void listConversations(Actor actor, Slot slot, Random random) {
            ConversationFilter filter = switch (random.nextInt(4)) {
                case 0 -> ConversationFilter.all();
                case 1 -> ConversationFilter.all().withKind(slot.kind);
                case 2 -> ConversationFilter.all().withParticipantId(slot.organizationId);
                default -> slot.transactionId == null ? ConversationFilter.all().withParticipantType(
                        ParticipantType.BUSINESS) : ConversationFilter.all().withTransactionId(slot.transactionId);
            };
            Page<ConversationView> first = chat.listConversations(actor, filter, PageRequest.first(10));
            if (first.pageInfo().hasNextPage()) {
                chat.listConversations(actor, filter, PageRequest.first(10, first.pageInfo().endCursor()));
            }
        }

        private static String body(int thread, String what) {
            return what + " from thread " + thread + " · " + System.nanoTime() + " 😀 مرحبا";
        }

        /** Every acknowledged message, as stored, in the conversation it was acknowledged in. */
        List<String> checkAcknowledged(Jdbi jdbi) {
            Map<String, String[]> stored = new HashMap<>();
            jdbi.useHandle(h -> h.createQuery("SELECT id, conversation_id, body FROM " + PREFIX + "messages")
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                    .forEach(row -> stored.put(row[0], row)));
            List<String> lost = new ArrayList<>();
            acknowledged.forEach((id, ack) -> {
                String[] row = stored.get(id.toString());
                if (row == null) {
                    lost.add("acknowledged message " + id + " is not stored");
                } else if (!row[1].equals(ack.conversation().toString()) || !row[2].equals(ack.body())) {
                    lost.add("acknowledged message " + id + " is stored differently: " + String.join("|", row));
                }
            });
            return lost.stream().limit(20).collect(Collectors.toList());
        }

        /** Pages through every conversation as staff: sequences 1..n, counts and unread as the API reports. */
        List<String> checkThroughTheApi() {
            Actor staff = staff(0);
            List<String> found = new ArrayList<>();
            List<ConversationView> all = new ArrayList<>();
            String after = null;
            do {
                Page<ConversationView> page = chat.listConversations(staff, ConversationFilter.all().includingDeleted(),
                        PageRequest.first(PageRequest.MAX_SIZE, after));
                all.addAll(page.nodes());
                after = page.pageInfo().hasNextPage() ? page.pageInfo().endCursor() : null;
            } while (after != null);
            Map<String, Integer> liveKeys = new HashMap<>();
            for (ConversationView view : all) {
                ConversationId id = view.conversation().id();
                long expected = 1;
                long unreadFromBusiness = 0;
                String cursor = null;
                do {
                    Page<ParticipantMessage> page = chat.listMessages(staff, id,
                            PageRequest.first(PageRequest.MAX_SIZE, cursor));
                    for (ParticipantMessage m : page.nodes()) {
                        if (m.message().sequence() != expected++) {
                            found.add("conversation " + id + ": sequence " + m.message().sequence() + " where "
                                    + (expected - 1) + " was due");
                        }
                        if (m.sentByType() == ParticipantType.BUSINESS && m.readAt() == null) {
                            unreadFromBusiness++;
                        }
                    }
                    cursor = page.pageInfo().hasNextPage() ? page.pageInfo().endCursor() : null;
                } while (cursor != null);
                ConversationView fresh = chat.getConversation(staff, id);
                if (fresh.messageCount() != expected - 1) {
                    found.add("conversation " + id + ": messageCount " + fresh.messageCount() + " but "
                            + (expected - 1) + " messages");
                }
                if (fresh.unreadCount() != unreadFromBusiness) {
                    found.add("conversation " + id + ": staff unreadCount " + fresh.unreadCount() + " but "
                            + unreadFromBusiness + " unread business messages");
                }
                if (!view.conversation().isDeleted()) {
                    String key = switch (view.conversation().kind()) {
                        case TRANSACTION -> "T:" + view.conversation().transactionId() + ":"
                                + view.conversation().participants().get(0).userId();
                        case ACCOUNT -> "A:" + view.conversation().organizationId();
                        case DIRECT -> "D:" + id;
                    };
                    liveKeys.merge(key, 1, Integer::sum);
                }
            }
            liveKeys.forEach((key, count) -> {
                if (count > 1) {
                    found.add(count + " live conversations for key " + key);
                }
            });
            for (Slot slot : slots) {
                if (chat.getConversation(staff, slot.current).conversation().isDeleted()) {
                    found.add("slot " + slot.index + " ends on a deleted conversation");
                }
            }
            return found;
        }
    }

    static Actor staff(int thread) {
        return FaultInjectionTest.staff("soak-staff-" + thread);
    }
}
