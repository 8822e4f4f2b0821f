package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.jdbi.internal.Migrator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link JdbiChatStore#migrate()}, dialect detection and the table prefix, on every database. */
class MigrateTest {

    private static String freshPrefix(String kind) {
        return kind + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    }

    private static long versionRows(Jdbi jdbi, String prefix) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + prefix + "schema_version")
                .mapTo(Long.class).one());
    }

    private static List<Map<String, Object>> history(Jdbi jdbi, String prefix) {
        return jdbi.withHandle(h -> h.createQuery("SELECT version, script, checksum, installed_at FROM " + prefix
                + "schema_version ORDER BY version").mapToMap().list());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theDialectIsDetectedFromTheConnection(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);

        assertThat(JdbiChatStore.create(shared.jdbi()).dialect()).isEqualTo(dialect);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void migratingTwiceIsANoOp(Dialect dialect) {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = freshPrefix("twice");
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        try {
            store.migrate();
            List<Map<String, Object>> first = history(jdbi, prefix);
            store.migrate();

            assertThat(first).hasSize(Migrator.SCRIPTS.size());
            assertThat(first).extracting(row -> row.get("script")).containsExactlyElementsOf(Migrator.SCRIPTS);
            assertThat(history(jdbi, prefix)).isEqualTo(first);
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void fourNodesMigratingAtOnceLeaveOneVersionRowAndWorkingTables(Dialect dialect) throws Exception {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = freshPrefix("race");
        int nodes = 4;
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                // a separate store per "node", as each application instance would create its own
                runs.add(pool.submit(() -> {
                    JdbiChatStore node = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
                    start.await(30, TimeUnit.SECONDS);
                    node.migrate();
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(120, TimeUnit.SECONDS);
            }

            assertThat(versionRows(jdbi, prefix)).isEqualTo(Migrator.SCRIPTS.size());
            JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
            ConversationId id = createConversation(store);
            assertThat(find(store, id)).isPresent();
        } finally {
            pool.shutdownNow();
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theTablePrefixNamesEveryTableAndKeepsStoresApart(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        Jdbi jdbi = shared.jdbi();
        String prefix = freshPrefix("pfx");
        JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
        try {
            store.migrate();
            ConversationId id = createConversation(store);

            assertThat(store.tablePrefix()).isEqualTo(prefix);
            for (String table : List.of("tickets", "conversations", "participants", "messages", "schema_version")) {
                long rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + prefix + table)
                        .mapTo(Long.class).one());
                assertThat(rows).as(table).isNotNegative();
            }
            long rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + prefix
                    + "conversations WHERE id = :id").bind("id", id.toString()).mapTo(Long.class).one());
            assertThat(rows).isEqualTo(1);
            assertThat(find(store, id)).isPresent();
            assertThat(find(shared, id)).isEmpty();
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Chat_", "1chat", "_chat", "chat-", "chat_;drop table x;", "chat prefix",
            "abcdefghijklmnopqrstu", "chät_"})
    void aTablePrefixOutsideTheAllowedPatternIsRejected(String prefix) {
        JdbiChatStore store = JdbiChatStore.create(TestDatabases.store(Dialect.H2).jdbi());

        assertThatThrownBy(() -> store.withTablePrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[a-z][a-z0-9_]{0,19}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "chat_", "abcdefghijklmnopqrst", "x1_2"})
    void aTablePrefixMatchingThePatternIsAccepted(String prefix) {
        JdbiChatStore store = JdbiChatStore.create(TestDatabases.store(Dialect.H2).jdbi());

        assertThat(store.withTablePrefix(prefix).tablePrefix()).isEqualTo(prefix);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void usingTheStoreBeforeMigratingFailsWithAChatStoreException(Dialect dialect) {
        JdbiChatStore store = JdbiChatStore.create(TestDatabases.store(dialect).jdbi())
                .withTablePrefix(freshPrefix("none"));

        assertThatThrownBy(() -> store.inTransaction(t -> t.findConversation(ConversationId.random())))
                .isInstanceOf(ChatStoreException.class)
                .hasMessageContaining("conversations");
    }

    private static Optional<StoredConversation> find(JdbiChatStore store, ConversationId id) {
        return store.inTransaction(t -> t.findConversation(id));
    }

    /** Creates a direct conversation with one business participant. */
    static ConversationId createConversation(JdbiChatStore store) {
        ConversationId id = ConversationId.random();
        store.inTransaction(t -> createConversationIn(t, id));
        return id;
    }

    static StoredConversation createConversationIn(ChatStoreTransaction t, ConversationId id) {
        Instant now = Instant.parse("2026-05-06T07:08:09.123456Z");
        Participant p = new Participant(ParticipantId.random(), ParticipantType.BUSINESS, "u-" + id, "o-" + id, now,
                null);
        return t.createConversation(new NewConversation(new Conversation(id, ConversationKind.DIRECT, null, null,
                "o-" + id, "subject", ConversationStatus.OPEN, now, List.of(p)), null)).value();
    }
}
