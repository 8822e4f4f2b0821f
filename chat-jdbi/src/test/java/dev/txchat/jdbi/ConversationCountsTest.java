package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The maintained conversation counts of the JDBI store, checked on the tables themselves:
 * after random work from several threads and store-level edge cases every counted query
 * equals COUNT(*) over the rows ({@link CountsCheck}); reading and posting never touch the
 * counts table, and each membership change writes it with exactly one statement.
 */
class ConversationCountsTest {

    private static final Actor STAFF = Actor.service("counts-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theCountersEqualCountStarOfEveryScopeAfterConcurrentWorkAndStoreLevelEdgeCases(Dialect dialect)
            throws Exception {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = "cnt" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        long seed = new Random().nextLong();
        try {
            JdbiChatStore store = TestDatabases.freshStore(dialect, prefix);
            FakeTransactionDirectory directory = new FakeTransactionDirectory();
            List<ConversationId> ids = new CopyOnWriteArrayList<>();
            try (ChatService chat = ChatService.builder().store(store).transactionDirectory(directory).build()) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<?>> runs = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        Random random = new Random(seed + t);
                        runs.add(pool.submit(() -> {
                            for (int i = 0; i < 25; i++) {
                                randomStep(chat, directory, ids, random);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> run : runs) {
                        run.get(120, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            storeLevelEdgeCases(store);
            for (int round = 0; round < 10; round++) {
                removalsFromEightThreadsStraightThroughTheStore(store, "crowd-" + round);
            }

            assertThat(CountsCheck.mismatches(store)).as("seed %d on %s", seed, dialect).isEmpty();
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    private static final List<ParticipantRef> REFS = List.of(ParticipantRef.businessUser("ann", "acme"),
            ParticipantRef.businessUser("bob", "acme"), ParticipantRef.businessUser("ann", null),
            ParticipantRef.businessUser("globex", "acme"), ParticipantRef.businessAccount("acme"),
            ParticipantRef.businessAccount("globex"), ParticipantRef.serviceUser("sue"),
            ParticipantRef.serviceUser(STAFF.userId()));

    private static void randomStep(ChatService chat, FakeTransactionDirectory directory, List<ConversationId> ids,
                                   Random random) {
        int op = ids.size() < 3 ? 0 : random.nextInt(10);
        try {
            if (op <= 2) {
                Conversation created = switch (random.nextInt(3)) {
                    case 0 -> chat.startConversation(STAFF, StartConversation.with(REFS.get(random.nextInt(6))));
                    case 1 -> {
                        int o = random.nextInt(4);
                        ParticipantRef owner = REFS.get(o);
                        // a few transactions per owner, so that chats are also reopened
                        String tx = "tx-" + o + "-" + random.nextInt(3);
                        directory.register(tx, new WalletOwner(owner.userId(), owner.organizationId()));
                        yield chat.openTransactionChat(STAFF, new OpenTransactionChat(tx, owner, NewMessage.of("hi")))
                                .conversation();
                    }
                    default -> chat.accountThread(STAFF, random.nextBoolean() ? "acme" : "globex");
                };
                ids.add(created.id());
                return;
            }
            ConversationId id = ids.get(random.nextInt(ids.size()));
            if (op == 3) {
                chat.deleteConversation(STAFF, id);
            } else if (op <= 6) {
                chat.addParticipant(STAFF, id, REFS.get(random.nextInt(REFS.size())));
            } else {
                List<Participant> active = chat.getConversation(STAFF, id).conversation().activeParticipants();
                if (!active.isEmpty()) {
                    chat.removeParticipant(STAFF, id, active.get(random.nextInt(active.size())).id());
                }
            }
        } catch (ConflictException | NotFoundException e) {
            // deleted, an account thread, or a participant another thread removed first
        }
    }

    /** What the service never does but the store accepts, straight through its unit of work. */
    private static void storeLevelEdgeCases(JdbiChatStore store) {
        Participant business = new Participant(ParticipantId.random(), ParticipantType.BUSINESS, "edge", "acme", T0,
                null);
        Participant account = new Participant(ParticipantId.random(), ParticipantType.BUSINESS, null, "acme", T0,
                null);
        // created DELETED: counted nowhere
        Conversation deleted = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null, "acme",
                null, ConversationStatus.DELETED, T0, List.of(business, account));
        store.inTransaction(t -> t.createConversation(new NewConversation(deleted, null)));
        store.inTransaction(t -> t.addParticipant(deleted.id(), ParticipantId.random(),
                ParticipantRef.serviceUser("late"), T0));
        // created with a participant that has a leave time: the store stores it active
        Participant leftAlready = new Participant(ParticipantId.random(), ParticipantType.SERVICE, "sue", null, T0,
                T0.plusSeconds(1));
        Conversation open = new Conversation(ConversationId.random(), ConversationKind.ACCOUNT, null, null, "acme",
                null, ConversationStatus.OPEN, T0, List.of(business, account, leftAlready).stream()
                .map(p -> new Participant(ParticipantId.random(), p.type(), p.userId(), p.organizationId(), T0,
                        p.leftAt())).toList());
        store.inTransaction(t -> t.createConversation(new NewConversation(open, null)));
        // removed without the service's lock; the account leaves, so the user's own participation counts again
        Participant openAccount = open.participants().get(1);
        store.inTransaction(t -> t.removeParticipant(open.id(), openAccount.id(), T0));
        store.inTransaction(t -> t.removeParticipant(open.id(), openAccount.id(), T0));
        // deleted twice: the second changes nothing
        store.inTransaction(t -> t.markDeleted(open.id(), T0));
        store.inTransaction(t -> t.markDeleted(open.id(), T0));
        // a unit of work that fails after changing counts leaves them as they were
        Conversation rolledBack = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null, null,
                null, ConversationStatus.OPEN, T0, List.of(new Participant(ParticipantId.random(),
                ParticipantType.BUSINESS, "ann", null, T0, null)));
        try {
            store.inTransaction(t -> {
                t.createConversation(new NewConversation(rolledBack, null));
                throw new IllegalStateException("fails on purpose");
            });
        } catch (IllegalStateException expected) {
            // rolled back
        }
    }

    /**
     * Eight units of work each remove another participant of one conversation, without the
     * service's lock: each must see the others' removals, or the last one out never takes the
     * conversation out of the organization's counts.
     */
    private static void removalsFromEightThreadsStraightThroughTheStore(JdbiChatStore store, String organization)
            throws Exception {
        List<Participant> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            members.add(new Participant(ParticipantId.random(), ParticipantType.BUSINESS, "member-" + i,
                    organization, T0, null));
        }
        Conversation crowded = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null,
                organization, null, ConversationStatus.OPEN, T0, members);
        store.inTransaction(t -> t.createConversation(new NewConversation(crowded, null)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(8);
            List<Future<?>> runs = new ArrayList<>();
            for (Participant member : members) {
                runs.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return store.inTransaction(t -> t.removeParticipant(crowded.id(), member.id(), T0));
                }));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void readingAndPostingNeverTouchTheCountsAndEachMembershipChangeWritesThemOnce(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        String counts = shared.tablePrefix() + "conversation_counts";
        List<String> statements = new CopyOnWriteArrayList<>();
        com.zaxxer.hikari.HikariDataSource pool = TestDatabases.pool(dialect, null, 4);
        JdbiChatStore store = JdbiChatStore.create(FeedCostTest.recording(pool, statements::add))
                .withTablePrefix(shared.tablePrefix());
        Actor user = Actor.business("counts-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
        ParticipantRef ref = ParticipantRef.businessUser(user.userId(), user.organizationId());
        try (pool; ChatService chat = ChatService.builder().store(store)
                .transactionDirectory(new FakeTransactionDirectory()).build()) {
            ConversationId id = chat.startConversation(STAFF, StartConversation.with(ref)).id();
            List<Map<String, Object>> before = countRows(shared, counts);
            Map<String, Runnable> untouched = new LinkedHashMap<>();
            untouched.put("postMessage (business)", () -> chat.postMessage(user, id, NewMessage.of("hello")));
            untouched.put("postMessage (staff)", () -> chat.postMessage(STAFF, id, NewMessage.of("hi")));
            untouched.put("markRead", () -> chat.markRead(user, id, ParticipantType.SERVICE));
            untouched.put("listMessages", () -> chat.listMessages(user, id, PageRequest.first(10)));
            untouched.put("getConversation", () -> chat.getConversation(user, id));
            for (int i = 0; i < 20; i++) {
                untouched.put("postMessage #" + i, () -> chat.postMessage(user, id, NewMessage.of("more")));
            }
            for (Map.Entry<String, Runnable> call : untouched.entrySet()) {
                statements.clear();
                call.getValue().run();
                assertThat(statements).as("%s on %s", call.getKey(), dialect).noneMatch(s -> s.contains(counts));
            }
            assertThat(countRows(shared, counts)).as("the counts table after posting on %s", dialect)
                    .isEqualTo(before);

            statements.clear();
            chat.listConversations(STAFF, ConversationFilter.all(), PageRequest.first(10));
            assertThat(statements).as("listConversations on %s", dialect)
                    .filteredOn(s -> s.contains(counts)).singleElement()
                    .satisfies(s -> assertThat(s).startsWith("SELECT COALESCE(SUM(n), 0) FROM " + counts));
            assertThat(statements).noneMatch(s -> s.contains("COUNT(*)"));

            Map<String, Runnable> writing = new LinkedHashMap<>();
            ConversationId[] second = new ConversationId[1];
            writing.put("startConversation", () -> second[0] = chat.startConversation(STAFF,
                    StartConversation.with(ref)).id());
            writing.put("addParticipant", () -> chat.addParticipant(STAFF, second[0],
                    ParticipantRef.businessAccount(user.organizationId())));
            writing.put("removeParticipant", () -> chat.removeParticipant(STAFF, second[0],
                    chat.getConversation(STAFF, second[0]).conversation().participants().get(2).id()));
            writing.put("deleteConversation", () -> chat.deleteConversation(STAFF, second[0]));
            for (Map.Entry<String, Runnable> call : writing.entrySet()) {
                statements.clear();
                call.getValue().run();
                assertThat(statements).as("%s on %s", call.getKey(), dialect).filteredOn(s -> s.contains(counts))
                        .singleElement().satisfies(s -> assertThat(s).containsAnyOf("INSERT INTO " + counts,
                                "MERGE INTO " + counts));
            }
        }
    }

    private static List<Map<String, Object>> countRows(JdbiChatStore store, String table) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT scope, kind, participant_type, party_id,"
                + " organization_id, slot, n FROM " + table
                + " ORDER BY scope, kind, participant_type, party_id, organization_id, slot").mapToMap().list());
    }
}
