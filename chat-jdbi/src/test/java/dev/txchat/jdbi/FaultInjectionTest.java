package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.FaultInjectingDataSource.Fault;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JDBI store when the connection dies or the database refuses in the middle of a unit
 * of work: the call fails with a {@link ChatStoreException} carrying the SQLState, nothing is
 * half-written (checked with SQL on the tables, see {@link StoreInvariants}), and the same
 * call succeeds once the fault is gone, on the same store and pool. Faults are injected by
 * {@link FaultInjectingDataSource} at a chosen statement; on PostgreSQL the session is also
 * really terminated server-side ({@code pg_terminate_backend}) just before the statement.
 * The tables have their own prefix so the invariants cover only what these tests wrote.
 */
class FaultInjectionTest {

    static final String PREFIX = "jdbifault_";

    private static final String TICKET_INSERT = "^INSERT INTO " + PREFIX + "tickets";
    private static final String CONVERSATION_INSERT = "^INSERT INTO " + PREFIX + "conversations";
    private static final String PARTICIPANT_INSERT = "^INSERT INTO " + PREFIX + "participants";
    // the message INSERT, the counter UPDATE and the feed INSERT are one statement: CTEs on PostgreSQL,
    // on H2 the feed insert selects from the message insert's FINAL TABLE
    private static final String MESSAGE_INSERT = "(^|^WITH appended AS \\(|FINAL TABLE \\()INSERT INTO " + PREFIX
            + "messages";
    private static final String COUNTERS_UPDATE = "(^|\\()UPDATE " + PREFIX + "conversations SET message_count = \\?";
    // H2 locks the row by an update that sets a column to itself (see H2Customization)
    private static final String ROW_LOCK = "FOR UPDATE|SET message_count = message_count WHERE";
    private static final String READ_UPDATE = "^UPDATE " + PREFIX + "messages SET read_at";
    private static final String UNREAD_UPDATE = "^UPDATE " + PREFIX + "conversations SET unread_from";
    private static final String DELETE_UPDATE = "SET status = 'DELETED'";
    private static final String COMMIT = FaultInjectingDataSource.COMMIT;

    private static final Actor STAFF = staff("fault-staff");
    private static final Map<Dialect, Rig> RIGS = new EnumMap<>(Dialect.class);

    /** What goes wrong. */
    enum Kind {
        /** The connection dies at the statement (SQLState 08006); it refuses everything afterwards. */
        DEAD("08006"),
        /** The database refuses the statement: check constraint violated. */
        CHECK_VIOLATION("23514"),
        /** The database refuses the statement: insufficient privilege. */
        NO_PRIVILEGE("42501"),
        /** The commit happens but its acknowledgement is lost with the connection. */
        COMMIT_ACK_LOST("08006"),
        /** PostgreSQL only: the session is terminated server-side before the statement is sent. */
        TERMINATED(null);

        final String sqlState;

        Kind(String sqlState) {
            this.sqlState = sqlState;
        }
    }

    /** The call under test. */
    enum Operation { OPEN_NEW_CHAT, REOPEN_CHAT_AS_NEW_STAFF, POST, MARK_READ, DELETE }

    record Scenario(Operation operation, String statement, int nth, Kind kind) {
        @Override
        public String toString() {
            return operation + " at " + statement.replace("^", "").replace(PREFIX, "") + (nth > 1 ? " #" + nth : "")
                    + ": " + kind;
        }
    }

    static Stream<Arguments> scenarios() {
        Map<Operation, List<String>> points = new EnumMap<>(Operation.class);
        // both participants of a new chat are inserted in one statement
        points.put(Operation.OPEN_NEW_CHAT, List.of(TICKET_INSERT, CONVERSATION_INSERT, PARTICIPANT_INSERT,
                MESSAGE_INSERT, COUNTERS_UPDATE, COMMIT));
        points.put(Operation.REOPEN_CHAT_AS_NEW_STAFF, List.of(ROW_LOCK, PARTICIPANT_INSERT, MESSAGE_INSERT,
                COUNTERS_UPDATE, COMMIT));
        points.put(Operation.POST, List.of(ROW_LOCK, MESSAGE_INSERT, COUNTERS_UPDATE, COMMIT));
        points.put(Operation.MARK_READ, List.of(ROW_LOCK, READ_UPDATE, UNREAD_UPDATE, COMMIT));
        points.put(Operation.DELETE, List.of(ROW_LOCK, DELETE_UPDATE, COMMIT));
        List<Arguments> all = new ArrayList<>();
        for (Dialect dialect : List.of(Dialect.H2, Dialect.POSTGRESQL)) {
            points.forEach((operation, statements) -> {
                for (String point : statements) {
                    String statement = point.replace("#2", "");
                    int nth = point.endsWith("#2") ? 2 : 1;
                    List<Kind> kinds = new ArrayList<>(List.of(Kind.DEAD));
                    if (statement.equals(COMMIT)) {
                        kinds.add(Kind.COMMIT_ACK_LOST);
                    } else {
                        kinds.add(statement.startsWith("^INSERT") ? Kind.CHECK_VIOLATION : Kind.NO_PRIVILEGE);
                    }
                    if (dialect == Dialect.POSTGRESQL) {
                        kinds.add(Kind.TERMINATED);
                    }
                    for (Kind kind : kinds) {
                        all.add(Arguments.of(dialect, new Scenario(operation, statement, nth, kind)));
                    }
                }
            });
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("scenarios")
    void aCallHitByAFaultFailsClearlyWritesNothingHalfwayAndSucceedsOnceTheFaultIsGone(Dialect dialect,
                                                                                       Scenario scenario) {
        Rig rig = rig(dialect);
        Fixture fixture = rig.fixture(scenario.operation());
        String before = fixture.snapshot();
        rig.faults.arm(scenario.kind() == Kind.TERMINATED
                ? Fault.before(scenario.statement(), scenario.nth(), rig::terminate)
                : scenario.kind() == Kind.COMMIT_ACK_LOST
                ? Fault.failingAfterRunning(scenario.statement(), scenario.nth(), scenario.kind().sqlState)
                : Fault.failing(scenario.statement(), scenario.nth(), scenario.kind().sqlState));
        int firedBefore = rig.faults.fired();

        Throwable failure = catchThrowable(() -> fixture.call(scenario.operation()));

        rig.faults.disarm();
        assertThat(rig.faults.fired()).as("the fault fired").isEqualTo(firedBefore + 1);
        assertThat(failure).as("the call fails with a clear exception").isInstanceOf(ChatStoreException.class);
        String sqlState = ((ChatStoreException) failure).sqlState();
        if (scenario.kind() == Kind.TERMINATED) {
            assertThat(sqlState).as("SQLState of a terminated session: %s", failure.getMessage())
                    .matches("08...|57P01");
        } else {
            assertThat(sqlState).isEqualTo(scenario.kind().sqlState);
        }
        assertThat(rig.violations()).as("invariants after the failure").isEmpty();
        if (scenario.kind() == Kind.COMMIT_ACK_LOST) {
            assertThat(fixture.snapshot()).as("a committed unit of work is whole").isNotEqualTo(before);
            fixture.retryAfterCommittedFailure(scenario.operation());
        } else {
            assertThat(fixture.snapshot()).as("nothing written by the failed call").isEqualTo(before);
            fixture.retry(scenario.operation());
        }
        assertThat(rig.violations()).as("invariants after the retry").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"H2", "POSTGRESQL"})
    void aSerializationFailureInTheMiddleOfPostMessageIsRetriedInsideTheLibraryAndStoresOneMessage(Dialect dialect) {
        Rig rig = rig(dialect);
        for (String statement : List.of(COUNTERS_UPDATE, COMMIT)) {
            Fixture fixture = rig.fixture(Operation.POST);
            long before = fixture.messageCount();
            String body = "retried " + UUID.randomUUID();
            // fails after the INSERT of the message ran in the same transaction, or at its commit
            rig.faults.arm(Fault.failing(statement, 1, "40001"));
            int firedBefore = rig.faults.fired();

            ParticipantMessage posted = rig.chat.postMessage(STAFF, fixture.conversation, NewMessage.of(body));

            assertThat(rig.faults.fired()).as("the fault fired at %s", statement).isEqualTo(firedBefore + 1);
            assertThat(fixture.messageCount()).isEqualTo(before + 1);
            assertThat(posted.message().sequence()).isEqualTo(before + 1);
            long stored = rig.admin.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + PREFIX
                    + "messages WHERE body = :body").bind("body", body).mapTo(Long.class).one());
            assertThat(stored).isEqualTo(1L);
            assertThat(rig.violations()).isEmpty();
        }
    }

    /**
     * listMessages reads the conversation (with its participants) and then the page of
     * messages, at READ COMMITTED: a staff user's first post (new participant and message)
     * committing between the two must not make the page name a sender the call does not know.
     * Fails today on H2 and PostgreSQL with IllegalStateException from
     * DefaultChatService.withSender (reported to the lead; a chat-core fix, e.g. clamping the
     * page to the messageCount read with the participants).
     */
    @ParameterizedTest
    @EnumSource(names = {"H2", "POSTGRESQL"})
    void listingMessagesWhileANewStaffUsersFirstPostCommitsNeverFailsOnItsSender(Dialect dialect) {
        Rig rig = rig(dialect);
        Fixture fixture = rig.fixture(Operation.POST);
        ChatService other = ChatService.builder().store(JdbiChatStore.create(rig.pool).withTablePrefix(PREFIX))
                .transactionDirectory(rig.directory).build();
        Actor newcomer = staff("newcomer-" + UUID.randomUUID());
        rig.faults.arm(Fault.before("^SELECT .* FROM " + PREFIX + "messages WHERE conversation_id = \\? AND seq >", 1,
                physical -> other.postMessage(newcomer, fixture.conversation, NewMessage.of("a newcomer's first post"))));
        int firedBefore = rig.faults.fired();

        List<ParticipantMessage> page = rig.chat.listMessages(STAFF, fixture.conversation,
                PageRequest.first(50)).nodes();

        assertThat(rig.faults.fired()).as("the newcomer posted in between").isEqualTo(firedBefore + 1);
        assertThat(page).allSatisfy(m -> assertThat(m.sender().id()).isEqualTo(m.message().senderId()));
    }

    @AfterAll
    static void closePools() {
        synchronized (RIGS) {
            RIGS.values().forEach(rig -> rig.pool.close());
            RIGS.clear();
        }
    }

    // ---- rig ------------------------------------------------------------------------------------

    static Actor staff(String userId) {
        return Actor.service(userId, ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);
    }

    private static Rig rig(Dialect dialect) {
        TestDatabases.requireAvailable(dialect);
        synchronized (RIGS) {
            return RIGS.computeIfAbsent(dialect, Rig::new);
        }
    }

    /** A pool, the fault injector in front of it, a store on fresh tables and a service. */
    static final class Rig {
        final Dialect dialect;
        final HikariDataSource pool;
        final FaultInjectingDataSource faults;
        final Jdbi admin;
        final FakeTransactionDirectory directory = new FakeTransactionDirectory();
        final ChatService chat;

        Rig(Dialect dialect) {
            this.dialect = dialect;
            this.pool = TestDatabases.pool(dialect, null, 4);
            this.faults = FaultInjectingDataSource.wrapping(pool);
            this.admin = Jdbi.create(pool);
            JdbiChatStore clean = JdbiChatStore.create(pool).withTablePrefix(PREFIX);
            TestDatabases.dropTables(admin, PREFIX);
            clean.migrate();
            JdbiChatStore store = JdbiChatStore.create(faults.dataSource()).withTablePrefix(PREFIX).withDialect(dialect);
            this.chat = ChatService.builder().store(store).transactionDirectory(directory).build();
        }

        List<String> violations() {
            return StoreInvariants.violations(admin, PREFIX);
        }

        /** Terminates the session of {@code physical} from another connection and waits until it is gone. */
        void terminate(java.sql.Connection physical) throws java.sql.SQLException {
            int pid;
            try (var statement = physical.createStatement();
                 var rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            boolean terminated = TestDatabases.store(Dialect.POSTGRESQL).jdbi().withHandle(h -> h
                    .createQuery("SELECT pg_terminate_backend(:pid, 10000)").bind("pid", pid)
                    .mapTo(Boolean.class).one());
            assertThat(terminated).as("backend %s terminated", pid).isTrue();
        }

        Fixture fixture(Operation operation) {
            String transactionId = "fault-tx-" + UUID.randomUUID();
            String userId = "fault-user-" + UUID.randomUUID();
            directory.register(transactionId, Map.of("amount", "12.00 EUR"), new WalletOwner(userId, "fault-org"));
            Fixture fixture = new Fixture(this, transactionId, userId);
            if (operation != Operation.OPEN_NEW_CHAT) {
                TransactionChat opened = chat.openTransactionChat(STAFF, new OpenTransactionChat(transactionId,
                        fixture.businessUser, NewMessage.of("opening")));
                fixture.conversation = opened.conversation().id();
                chat.postMessage(fixture.business, fixture.conversation, NewMessage.of("a question"));
                chat.postMessage(STAFF, fixture.conversation, NewMessage.of("an answer"));
            }
            return fixture;
        }
    }

    /** One scenario's data: a transaction, its business user and (unless opening) its chat. */
    static final class Fixture {
        final Rig rig;
        final String transactionId;
        final Actor business;
        final ParticipantRef businessUser;
        final String clientMessageId = "cmid-" + UUID.randomUUID();
        ConversationId conversation;

        Fixture(Rig rig, String transactionId, String userId) {
            this.rig = rig;
            this.transactionId = transactionId;
            this.business = Actor.business(userId, "fault-org");
            this.businessUser = ParticipantRef.businessUser(userId, "fault-org");
        }

        OpenTransactionChat open(String body) {
            return new OpenTransactionChat(transactionId, businessUser, NewMessage.of(body, clientMessageId));
        }

        void call(Operation operation) {
            switch (operation) {
                case OPEN_NEW_CHAT -> rig.chat.openTransactionChat(STAFF, open("hello"));
                case REOPEN_CHAT_AS_NEW_STAFF -> rig.chat.openTransactionChat(staff("fault-staff-2"),
                        new OpenTransactionChat(transactionId, businessUser, NewMessage.of("second staff", "cmid-2")));
                case POST -> rig.chat.postMessage(STAFF, conversation, NewMessage.of("posted", clientMessageId));
                case MARK_READ -> rig.chat.markRead(business, conversation, ParticipantType.SERVICE);
                case DELETE -> rig.chat.deleteConversation(STAFF, conversation);
                default -> throw new IllegalStateException(operation.name());
            }
        }

        /** The same call again, now without a fault: it must do the whole job. */
        void retry(Operation operation) {
            switch (operation) {
                case OPEN_NEW_CHAT -> {
                    TransactionChat opened = rig.chat.openTransactionChat(STAFF, open("hello"));
                    assertThat(opened.created()).isTrue();
                    assertThat(opened.message().message().sequence()).isEqualTo(1);
                    assertThat(opened.ticket().conversations()).hasSize(1);
                }
                case REOPEN_CHAT_AS_NEW_STAFF -> {
                    long before = messageCount();
                    Actor second = staff("fault-staff-2");
                    TransactionChat opened = rig.chat.openTransactionChat(second,
                            new OpenTransactionChat(transactionId, businessUser, NewMessage.of("second staff", "cmid-2")));
                    assertThat(opened.created()).isFalse();
                    assertThat(opened.conversation().id()).isEqualTo(conversation);
                    assertThat(opened.conversation().participants()).anySatisfy(p ->
                            assertThat(p.userId()).isEqualTo("fault-staff-2"));
                    assertThat(messageCount()).isEqualTo(before + 1);
                }
                case POST -> {
                    long before = messageCount();
                    ParticipantMessage posted = rig.chat.postMessage(STAFF, conversation,
                            NewMessage.of("posted", clientMessageId));
                    assertThat(posted.message().sequence()).isEqualTo(before + 1);
                    assertThat(messageCount()).isEqualTo(before + 1);
                }
                case MARK_READ -> {
                    ReadReceipt receipt = rig.chat.markRead(business, conversation, ParticipantType.SERVICE);
                    assertThat(receipt.markedRead()).isEqualTo(2);
                    assertThat(rig.chat.getConversation(business, conversation).unreadCount()).isZero();
                }
                case DELETE -> {
                    rig.chat.deleteConversation(STAFF, conversation);
                    assertThat(rig.chat.getConversation(STAFF, conversation).conversation().status())
                            .isEqualTo(ConversationStatus.DELETED);
                }
                default -> throw new IllegalStateException(operation.name());
            }
        }

        /** The call committed although its caller saw a failure: retrying it must not apply it twice. */
        void retryAfterCommittedFailure(Operation operation) {
            switch (operation) {
                case OPEN_NEW_CHAT -> {
                    TransactionChat opened = rig.chat.openTransactionChat(STAFF, open("hello"));
                    assertThat(opened.created()).as("the lost commit created the chat").isFalse();
                    assertThat(messageCountOf(opened.conversation().id())).as("clientMessageId made it idempotent")
                            .isEqualTo(1);
                }
                case REOPEN_CHAT_AS_NEW_STAFF, POST -> {
                    long before = messageCount();
                    call(operation);
                    assertThat(messageCount()).as("clientMessageId made it idempotent").isEqualTo(before);
                }
                case MARK_READ -> assertThat(rig.chat.markRead(business, conversation, ParticipantType.SERVICE)
                        .markedRead()).isZero();
                case DELETE -> {
                    rig.chat.deleteConversation(STAFF, conversation);
                    assertThat(rig.chat.getConversation(STAFF, conversation).conversation().status())
                            .isEqualTo(ConversationStatus.DELETED);
                }
                default -> throw new IllegalStateException(operation.name());
            }
        }

        long messageCount() {
            return messageCountOf(conversation);
        }

        long messageCountOf(ConversationId id) {
            return rig.chat.getConversation(STAFF, id).messageCount();
        }

        /** Every row of this fixture's transaction, straight from the tables. */
        String snapshot() {
            String c = PREFIX + "conversations";
            return rig.admin.withHandle(h -> String.join("\n",
                    rows(h, "SELECT id, transaction_id, details FROM " + PREFIX + "tickets WHERE transaction_id = :tx"),
                    rows(h, "SELECT id, status, live_key, message_count, unread_from_service, unread_from_business,"
                            + " last_activity_at, deleted_at FROM " + c + " WHERE transaction_id = :tx ORDER BY id"),
                    rows(h, "SELECT p.id, p.join_order, p.user_id, p.left_at FROM " + PREFIX + "participants p JOIN " + c
                            + " c ON c.id = p.conversation_id WHERE c.transaction_id = :tx ORDER BY p.id"),
                    rows(h, "SELECT m.id, m.seq, m.body, m.read_at FROM " + PREFIX + "messages m JOIN " + c
                            + " c ON c.id = m.conversation_id WHERE c.transaction_id = :tx ORDER BY m.id")));
        }

        private String rows(org.jdbi.v3.core.Handle h, String sql) {
            return String.join(";", h.createQuery(sql).bind("tx", transactionId).map((rs, ctx) -> {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(rs.getString(i)).append(',');
                }
                return row.toString();
            }).list());
        }
    }
}
