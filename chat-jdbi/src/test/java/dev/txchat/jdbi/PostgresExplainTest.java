package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.jdbi.internal.BoundSql;
import dev.txchat.jdbi.internal.Sql;
import java.time.Instant;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * On a PostgreSQL table of 100,000 messages in 10,000 conversations, the page queries the
 * store runs (the very SQL text, from {@link Sql}) are planned as index scans: no query
 * reads the messages table sequentially, whatever the history depth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresExplainTest {
    private static final String PREFIX = "jdbiexplain_";
    private static final int CONVERSATIONS = 10_000;
    private static final int MESSAGES_PER_CONVERSATION = 8;
    /** Conversation 1 is deep: it holds the rest of the 100,000 messages. */
    private static final int DEEP_MESSAGES = 100_000 - (CONVERSATIONS - 1) * MESSAGES_PER_CONVERSATION;
    private static final long T0 = 1_700_000_000_000_000L;

    private Jdbi jdbi;
    private Sql sql;

    @BeforeAll
    void loadTenThousandConversationsWithAHundredThousandMessages() {
        Jdbi shared = TestDatabases.store(Dialect.POSTGRESQL).jdbi();
        TestDatabases.dropTables(shared, PREFIX);
        JdbiChatStore store = JdbiChatStore.create(shared).withTablePrefix(PREFIX);
        store.migrate();
        jdbi = shared;
        sql = new Sql(Dialect.POSTGRESQL, PREFIX);
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO " + PREFIX + "conversations (id, kind, organization_id, status, created_at,"
                    + " last_activity_at, message_count, unread_from_service, unread_from_business)"
                    + " SELECT md5('c' || i)::uuid::text, 'DIRECT', 'org-' || (i % 500), 'OPEN', " + T0 + " + i * 1000000,"
                    + " " + T0 + " + i * 1000000 + (i % 7) * 10,"
                    + " CASE WHEN i = 1 THEN " + DEEP_MESSAGES + " ELSE " + MESSAGES_PER_CONVERSATION + " END, 0, 0"
                    + " FROM generate_series(1::bigint, " + CONVERSATIONS + ") AS i");
            h.execute("INSERT INTO " + PREFIX + "participants (id, conversation_id, join_order, participant_type,"
                    + " user_id, organization_id, joined_at)"
                    + " SELECT md5('p' || i || '-' || j)::uuid::text, md5('c' || i)::uuid::text, j,"
                    + " CASE WHEN j = 1 THEN 'BUSINESS' ELSE 'SERVICE' END,"
                    + " CASE WHEN j = 1 THEN 'user-' || i ELSE 'staff-' || (i % 50) END,"
                    + " CASE WHEN j = 1 THEN 'org-' || (i % 500) END, " + T0
                    + " FROM generate_series(1::bigint, " + CONVERSATIONS + ") AS i, generate_series(1, 2) AS j");
            String insertMessages = "INSERT INTO " + PREFIX + "messages (id, conversation_id, seq, sender_id,"
                    + " sent_by_type, author_user_id, body, created_at)"
                    + " SELECT md5('m' || i || '-' || s)::uuid::text, md5('c' || i)::uuid::text, s,"
                    + " md5('p' || i || '-1')::uuid::text, 'BUSINESS', 'user-' || i, 'message ' || s, "
                    + T0 + " + i * 1000000 + s";
            h.execute(insertMessages + " FROM generate_series(2::bigint, " + CONVERSATIONS + ") AS i,"
                    + " generate_series(1, " + MESSAGES_PER_CONVERSATION + ") AS s");
            h.execute(insertMessages + " FROM (VALUES (1::bigint)) AS one(i),"
                    + " generate_series(1, " + DEEP_MESSAGES + ") AS s");
            assertThat(h.createQuery("SELECT COUNT(*) FROM " + PREFIX + "messages").mapTo(Long.class).one())
                    .isEqualTo(100_000L);
            h.execute("ANALYZE " + PREFIX + "conversations");
            h.execute("ANALYZE " + PREFIX + "participants");
            h.execute("ANALYZE " + PREFIX + "messages");
        });
    }

    @AfterAll
    void dropTheTables() {
        if (jdbi != null) {
            TestDatabases.dropTables(jdbi, PREFIX);
        }
    }

    private String explain(String statement, Map<String, Object> params) {
        String plan = jdbi.withHandle(h -> String.join("\n", h.createQuery("EXPLAIN " + statement)
                .bindMap(params).mapTo(String.class).list()));
        if (Boolean.getBoolean("txchat.printPlans")) {
            System.out.println(statement + "\n" + plan + "\n");
        }
        return plan;
    }

    private static String conversation(int i) {
        return md5Uuid("c" + i);
    }

    /** What PostgreSQL's {@code md5(text)::uuid::text} gives. */
    private static String md5Uuid(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : d) {
                hex.append(String.format("%02x", b));
            }
            String h = hex.toString();
            return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                    + h.substring(16, 20) + "-" + h.substring(20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertIndexedWithoutScanningMessages(String plan) {
        assertThat(plan).contains("Index").doesNotContain("Seq Scan on " + PREFIX + "messages");
    }

    @Test
    void aMessagePageInADeepConversationIsAnIndexRangeScanOnConversationAndSequence() {
        String plan = explain(sql.messagesForward,
                Map.of("conversationId", conversation(1), "bound", 10_000L, "limit", 21));

        assertIndexedWithoutScanningMessages(plan);
        assertThat(plan).contains(PREFIX + "messages_sequence_uk").doesNotContain("Sort");
    }

    @Test
    void theNewestMessagesPageOfADeepConversationIsAnIndexScanBackward() {
        String plan = explain(sql.messagesBackward,
                Map.of("conversationId", conversation(1), "bound", Long.MAX_VALUE, "limit", 21));

        assertIndexedWithoutScanningMessages(plan);
        assertThat(plan).contains(PREFIX + "messages_sequence_uk").doesNotContain("Sort");
    }

    @Test
    void theFirstConversationPageWalksTheActivityIndexAndJoinsOnlyTheLastMessages() {
        BoundSql page = sql.conversationPage(new ConversationQuery(ConversationFilter.all(), null), null, true, 21);

        String plan = explain(page.sql(), page.params());

        assertIndexedWithoutScanningMessages(plan);
        assertThat(plan).contains("Index Scan Backward using " + PREFIX + "conversations_activity_ix")
                .contains("Index Scan using " + PREFIX + "messages_pk")
                .doesNotContain("Seq Scan on " + PREFIX + "conversations");
    }

    @Test
    void aLaterConversationPageSeeksPastTheCursorInsteadOfSkippingRows() {
        ConversationKey bound = new ConversationKey(Instant.ofEpochSecond(0, (T0 + 5_000L * 1_000_000) * 1_000),
                ConversationId.parse(conversation(5000)));
        BoundSql page = sql.conversationPage(new ConversationQuery(ConversationFilter.all(), null), bound, true, 21);

        String plan = explain(page.sql(), page.params());

        assertIndexedWithoutScanningMessages(plan);
        assertThat(plan).contains("Index Cond: (last_activity_at <=")
                .doesNotContain("Seq Scan on " + PREFIX + "conversations");
        assertThat(page.sql()).doesNotContainIgnoringCase("offset");
    }

    @Test
    void aBusinessUsersConversationPageUsesTheParticipantIndexes() {
        BoundSql page = sql.conversationPage(new ConversationQuery(ConversationFilter.all()
                .withParticipantType(ParticipantType.SERVICE).withKind(ConversationKind.DIRECT),
                new MemberScope("user-77", "org-77")), null, true, 21);

        String plan = explain(page.sql(), page.params());

        assertIndexedWithoutScanningMessages(plan);
        assertThat(plan).doesNotContain("Seq Scan on " + PREFIX + "participants");
    }

    @Test
    void countingConversationsNeverTouchesMessages() {
        BoundSql count = sql.conversationCount(new ConversationQuery(ConversationFilter.all(),
                new MemberScope("user-77", "org-77")));

        String plan = explain(count.sql(), count.params());

        assertThat(plan).doesNotContain(PREFIX + "messages");
    }
}
