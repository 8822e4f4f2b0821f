package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.jdbi.internal.BoundSql;
import dev.txchat.jdbi.internal.Sql;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * What the hot statements cost does not depend on a conversation's history, whatever plan
 * PostgreSQL caches. The worst case of a fresh deployment: the statements are prepared on
 * empty tables that have never been analyzed (the servers here run without autovacuum),
 * generic plans forced ({@code plan_cache_mode = force_generic_plan}, which production
 * servers switch to after five executions). Each statement then runs against a conversation
 * of 10 messages and, after 100,000 more are added, again: the buffers it touches must stay
 * flat (an index one level deeper is allowed), where a plan that walked the history would
 * touch thousands.
 */
class PostgresWritePathPlanTest {
    private static final int HISTORY = 100_000;
    /** Buffers a statement may touch beyond its cost at 10 messages: index pages one level deeper. */
    private static final int SLACK = 4;

    @Test
    void hotStatementsTouchAsManyBuffersAt100000MessagesAsAt10UnderGenericPlans() {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        Jdbi jdbi = TestDatabases.store(Dialect.POSTGRESQL).jdbi();
        String prefix = "wplan" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        try {
            JdbiChatStore.create(jdbi).withTablePrefix(prefix).migrate();
            Sql sql = new Sql(Dialect.POSTGRESQL, prefix);
            String conversation = UUID.randomUUID().toString();
            String member = "plan-user";
            jdbi.useHandle(h -> {
                h.execute("SET plan_cache_mode = force_generic_plan");
                try {
                    Map<String, String> prepared = prepareAll(h, sql, conversation, member);
                    seed(h, prefix, conversation, member, 10);
                    Map<String, Long> small = measure(h, prepared);
                    seed(h, prefix, conversation, member, HISTORY);
                    Map<String, Long> large = measure(h, prepared);
                    prepared.forEach((name, execute) -> {
                        System.out.printf("buffers of %s: %d at 10 messages, %d at %d%n", name, small.get(name),
                                large.get(name), HISTORY + 10);
                        assertThat(large.get(name)).as("buffers of %s at %d messages vs %d at 10", name,
                                HISTORY + 10, small.get(name)).isLessThanOrEqualTo(small.get(name) + SLACK);
                    });
                } finally {
                    h.execute("RESET plan_cache_mode");
                    h.execute("DEALLOCATE ALL");
                }
            });
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    /** PREPAREs each hot statement while the tables are empty; returns its EXECUTE, by name. */
    private static Map<String, String> prepareAll(Handle h, Sql sql, String conversation, String member) {
        Map<String, String> executes = new LinkedHashMap<>();
        String id = "'" + conversation + "'";
        prepare(h, executes, "lock_conversation", sql.lockConversation, id);
        prepare(h, executes, "participants", sql.selectParticipants, id);
        prepare(h, executes, "conversation", sql.selectConversation, id);
        prepare(h, executes, "newest_messages", sql.messagesBackward, id, "9223372036854775807", "50");
        prepare(h, executes, "messages_after", sql.messagesForward, id, "5", "50");
        BoundSql page = sql.conversationPage(new ConversationQuery(ConversationFilter.all(), null), null, true, 21);
        prepare(h, executes, "staff_page", page.sql(), "21");
        BoundSql memberPage = sql.conversationPage(new ConversationQuery(ConversationFilter.all(),
                new MemberScope(member, "plan-org")), null, true, 21);
        prepare(h, executes, "member_page", memberPage.sql(), "'" + member + "'", "'plan-org'", "21");
        return executes;
    }

    private static void prepare(Handle h, Map<String, String> executes, String name, String statement,
                                String... arguments) {
        PreparedStatements.prepare(h, name, statement);
        executes.put(name, "EXECUTE " + name + "(" + String.join(", ", arguments) + ")");
    }

    /** Gives the conversation {@code messages} more messages (and two participants the first time). */
    private static void seed(Handle h, String prefix, String conversation, String member, int messages) {
        h.execute("INSERT INTO " + prefix + "conversations (id, kind, status, created_at, last_activity_at,"
                + " message_count, unread_from_service, unread_from_business, participants_version)"
                + " VALUES (?, 'DIRECT', 'OPEN', 1, 1, 0, 0, 0, 1) ON CONFLICT DO NOTHING", conversation);
        h.execute("INSERT INTO " + prefix + "participants (id, conversation_id, join_order, participant_type, user_id,"
                + " organization_id, joined_at) VALUES (?, ?, 1, ?, ?, 'plan-org', 1), (?, ?, 2, 'SERVICE', 'staff', NULL, 1)"
                + " ON CONFLICT DO NOTHING", UUID.nameUUIDFromBytes(conversation.getBytes()).toString(), conversation,
                ParticipantType.BUSINESS.name(), member, UUID.nameUUIDFromBytes(member.getBytes()).toString(), conversation);
        h.execute("INSERT INTO " + prefix + "messages (id, conversation_id, seq, sender_id, sent_by_type, body, created_at)"
                + " SELECT md5(random()::text || g)::uuid::text, c.id, c.message_count + g, ?, 'SERVICE', 'm', g"
                + " FROM " + prefix + "conversations c, generate_series(1, ?) g WHERE c.id = ?",
                UUID.nameUUIDFromBytes(member.getBytes()).toString(), messages, conversation);
        h.execute("UPDATE " + prefix + "conversations c SET message_count = c.message_count + ?, last_message_id ="
                + " (SELECT m.id FROM " + prefix + "messages m WHERE m.conversation_id = c.id"
                + " AND m.seq = c.message_count + ?) WHERE c.id = ?", messages, messages, conversation);
    }

    /** Buffers (hit + read) each prepared statement touches, from EXPLAIN (ANALYZE, BUFFERS). */
    private static Map<String, Long> measure(Handle h, Map<String, String> executes) {
        Map<String, Long> buffers = new LinkedHashMap<>();
        Pattern counts = Pattern.compile("(hit|read)=(\\d+)");
        executes.forEach((name, execute) -> {
            // run once so that planning-time catalog reads are not counted
            h.createQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + execute).mapTo(String.class).list();
            List<String> plan = h.createQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + execute)
                    .mapTo(String.class).list();
            String total = plan.stream().filter(line -> line.trim().startsWith("Buffers:")).findFirst().orElse("");
            long sum = 0;
            Matcher m = counts.matcher(total);
            while (m.find()) {
                sum += Long.parseLong(m.group(2));
            }
            buffers.put(name, sum);
        });
        return buffers;
    }
}
