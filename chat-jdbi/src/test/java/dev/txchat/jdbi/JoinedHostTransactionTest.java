package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.ConflictException;
import dev.txchat.core.ConversationId;
import dev.txchat.core.FeedBatch;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store built on the host's {@link Jdbi} joins the host's own transaction: its writes and
 * its events follow the host's outcome. Listeners hear nothing before the host commits, and
 * nothing at all for work the host rolls back.
 */
class JoinedHostTransactionTest {

    private static final Actor STAFF = Actor.service("joined-staff-" + UUID.randomUUID(),
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
            ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);

    private final List<ChatEvent> heard = new CopyOnWriteArrayList<>();
    private final FakeTransactionDirectory directory = new FakeTransactionDirectory();

    private ChatService chatOn(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        return ChatService.builder()
                .store(JdbiChatStore.create(shared.jdbi()).withTablePrefix(shared.tablePrefix()))
                .transactionDirectory(directory)
                .listener(heard::add)
                .listenerTimeout(Duration.ofSeconds(30))
                .build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void workTheHostRollsBackIsNeverStoredNorHeard(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            Actor user = Actor.business("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
            String tx = "tx-" + UUID.randomUUID();
            directory.register(tx, Map.of("amount", "1.00 EUR"), new WalletOwner(user.userId(), user.organizationId()));
            FeedPosition before = end(chat);

            assertThatThrownBy(() -> jdbi.useTransaction(h -> {
                chat.openTransactionChat(STAFF, new OpenTransactionChat(tx,
                        ParticipantRef.businessUser(user.userId(), user.organizationId()), NewMessage.of("hello")));
                chat.startConversation(STAFF, new StartConversation(
                        ParticipantRef.businessUser(user.userId(), user.organizationId()), "s", NewMessage.of("x")));
                throw new IllegalStateException("the host's own work failed");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(heard).isEmpty();
            assertThatThrownBy(() -> chat.ticket(STAFF, tx)).isInstanceOf(NotFoundException.class);
            assertThat(chat.feed().read(before, 1000).entries()).as("feed entries of rolled-back work")
                    .noneMatch(e -> e.audience().admits(user));
        }
    }

    private static Actor newBusinessUser() {
        return Actor.business("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
    }

    /** A direct chat of {@link #STAFF} with {@code user}, no message yet. */
    private static ConversationId directChat(ChatService chat, Actor user) {
        return chat.startConversation(STAFF, new StartConversation(
                ParticipantRef.businessUser(user.userId(), user.organizationId()), null, null)).id();
    }

    private static FeedPosition end(ChatService chat) {
        FeedPosition position = FeedPosition.START;
        FeedBatch batch;
        while (!(batch = chat.feed().read(position, 1000)).entries().isEmpty()) {
            position = batch.next();
        }
        return position;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void eventsOfJoinedWorkArriveOnlyAfterTheHostCommits(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            Actor user = newBusinessUser();
            ConversationId id = directChat(chat, user);
            heard.clear();

            jdbi.useTransaction(h -> {
                chat.postMessage(user, id, NewMessage.of("inside the host's transaction"));
                assertThat(heard).as("nothing is heard before the host commits").isEmpty();
            });

            assertThat(heard).singleElement().isInstanceOfSatisfying(ChatEvent.MessagePosted.class,
                    e -> assertThat(e.message().body()).isEqualTo("inside the host's transaction"));
            assertThat(chat.listMessages(user, id, PageRequest.first(10)).nodes()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void workTheHostRollsBackToASavepointIsNeitherStoredNorHeard(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            Actor user = newBusinessUser();
            ConversationId id = directChat(chat, user);
            heard.clear();

            jdbi.useTransaction(h -> {
                h.savepoint("before_chat");
                chat.postMessage(user, id, NewMessage.of("undone by the host"));
                h.rollbackToSavepoint("before_chat");
            });

            assertThat(heard).as("events of work rolled back to a savepoint").isEmpty();
            assertThat(chat.listMessages(user, id, PageRequest.first(10)).nodes()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aCallThatFailsInsideTheHostsTransactionLeavesNothingBehindWhenTheHostCommits(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            Actor user = newBusinessUser();
            ConversationId id = directChat(chat, user);
            String clientId = "cid-" + UUID.randomUUID();
            chat.postMessage(STAFF, id, NewMessage.of("first", clientId));
            Actor otherStaff = Actor.service("other-" + UUID.randomUUID(),
                    ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER);
            int participantsBefore = chat.getConversation(STAFF, id).conversation().participants().size();

            jdbi.useTransaction(h -> assertThatThrownBy(() -> chat.postMessage(otherStaff, id,
                    NewMessage.of("reusing another author's id", clientId))).isInstanceOf(ConflictException.class));

            assertThat(chat.getConversation(STAFF, id).conversation().participants()).hasSize(participantsBefore);
            assertThat(chat.listMessages(STAFF, id, PageRequest.first(10)).nodes()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aPoolHandingOutConnectionsWithAutoCommitOffStillCommitsEveryCall(Dialect dialect) {
        try (HikariDataSource pool = autoCommitOff(dialect)) {
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix(TestDatabases.store(dialect).tablePrefix());
            try (ChatService chat = ChatService.builder().store(store).listener(heard::add)
                    .listenerTimeout(Duration.ofSeconds(30)).build();
                 ChatService reader = ChatService.builder().store(TestDatabases.store(dialect)).build()) {
                Actor user = Actor.business("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
                ConversationId id = chat.startConversation(STAFF, new StartConversation(
                        ParticipantRef.businessUser(user.userId(), user.organizationId()), null,
                        NewMessage.of("committed"))).id();

                assertThat(reader.listMessages(user, id, PageRequest.first(10)).nodes())
                        .extracting(m -> m.body()).containsExactly("committed");
                assertThat(heard).hasSize(2);
            }
        }
    }

    private static HikariDataSource autoCommitOff(Dialect dialect) {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(TestDatabases.url(dialect));
        config.setAutoCommit(false);
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void readingTheFeedInsideAHostTransactionNeitherJoinsItNorBlocksOtherReaders(Dialect dialect) throws Exception {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            directChat(chat, newBusinessUser());
            java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                jdbi.useTransaction(h -> {
                    chat.feed().read(FeedPosition.START, 10);
                    // another node's reader must not wait for this host transaction
                    other.submit(() -> chat.feed().read(FeedPosition.START, 10))
                            .get(20, java.util.concurrent.TimeUnit.SECONDS);
                    h.rollback();
                });
            } finally {
                other.shutdownNow();
            }
            assertThat(chat.feed().read(end(chat), 10).entries()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anEntryWrittenByANewerVersionIsSkippedNotAStuckFeed(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            String prefix = TestDatabases.store(dialect).tablePrefix();
            FeedPosition before = end(chat);
            Actor user = newBusinessUser();
            ConversationId id = directChat(chat, user);
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO " + prefix + "feed (aggregatetype, aggregateid, type,"
                            + " payload, audience, committed_at) VALUES ('conversation', :id, 'MessageEdited', '{}',"
                            + " :audience, 1)")
                    .bind("id", id.toString()).bind("audience", "{\"staff\":true,\"members\":[]}").execute());
            chat.postMessage(user, id, NewMessage.of("after the unknown entry"));

            List<String> types = new java.util.ArrayList<>();
            FeedPosition position = before;
            FeedBatch batch;
            while (!(batch = chat.feed().read(position, 1)).next().equals(position)) {
                batch.entries().forEach(e -> types.add(e.event().getClass().getSimpleName()));
                position = batch.next();
            }

            assertThat(types).containsSubsequence("ConversationStarted", "MessagePosted").doesNotContain("MessageEdited");
        }
    }
}
