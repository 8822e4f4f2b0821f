package dev.txchat.benchmarks;

import dev.txchat.core.ConversationId;
import dev.txchat.jdbi.Dialect;
import dev.txchat.jdbi.internal.Migrator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Loads the benchmark data set straight into the txchat tables with set-based inserts
 * ({@code INSERT ... SELECT} over {@code generate_series} on PostgreSQL, {@code SYSTEM_RANGE}
 * on H2, the {@code seq_1_to_N} engine on MariaDB), so a million rows take seconds, not
 * minutes. The rows are exactly what the store would have written (same counters, same
 * last-message invariant), so txchat and the raw-JDBC baselines read the same data.
 *
 * <p>The data set:
 * <ul>
 *   <li>one DIRECT conversation ({@link #DEEP_CONVERSATION}) with {@link #deepMessages()}
 *       messages between {@link #STAFF_USER} and {@code bench-bu-deep};</li>
 *   <li>{@link #conversations()} DIRECT conversations, each with one business participant
 *       ({@code bench-bu-<i mod 10>} of {@code bench-org-<i mod 10>}, so each business user
 *       has a tenth of them), one staff participant and one unread message, with distinct
 *       activity times in the past (below anything the benchmarks create).</li>
 * </ul>
 * A marker row in {@code bench_meta} records the sizes; a later run with the same sizes
 * reuses the data, with other sizes it drops and reloads. Not thread-safe: the runner loads
 * before any benchmark starts.
 */
public final class BenchData {
    /** Table prefix of the benchmark tables, apart from any test's. */
    public static final String PREFIX = "bench_";
    public static final String STAFF_USER = "bench-staff";
    public static final ConversationId DEEP_CONVERSATION =
            ConversationId.parse("b0000000-0000-4000-8000-000000000001");
    static final String DEEP_BUSINESS_PARTICIPANT = "b0000000-0000-4000-8000-000000000002";
    static final String DEEP_STAFF_PARTICIPANT = "b0000000-0000-4000-8000-000000000003";
    /** Every loaded time is after this (2024-01-01T00:00:00Z) and long before now. */
    static final long BASE_MICROS = 1_704_067_200_000_000L;
    /** Business users among whom the loaded conversations are spread. */
    public static final int BUSINESS_USERS = 10;

    private static final String META = PREFIX + "meta";

    private BenchData() {
    }

    /** Messages in the deep conversation; property {@code txchat.bench.deepMessages}. */
    public static int deepMessages() {
        return Integer.getInteger("txchat.bench.deepMessages", 1_000_000);
    }

    /** Loaded conversations; property {@code txchat.bench.conversations}. */
    public static int conversations() {
        return Integer.getInteger("txchat.bench.conversations", 100_000);
    }

    /** Whether the data set with the configured sizes is in place. */
    public static boolean isLoaded(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + META + " WHERE k = ?")) {
            ps.setString(1, markerKey());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == 1L;
            }
        } catch (SQLException e) {
            // no meta table yet
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return false;
        }
    }

    /** Drops every benchmark table (the next {@code migrate()} recreates the store's). */
    public static void drop(Connection c, BenchDatabase db) throws SQLException {
        String cascade = db == BenchDatabase.MARIADB ? "" : " CASCADE";
        try (Statement s = c.createStatement()) {
            for (String t : List.of("messages", "participants", "conversations", "tickets", "conversation_counts",
                    "schema_version", "schema_lock", "meta")) {
                s.execute("DROP TABLE IF EXISTS " + PREFIX + t + cascade);
            }
        }
    }

    /**
     * Loads the data set into freshly migrated, empty tables and writes the marker.
     * Runs in autocommit mode, one statement per table.
     */
    public static void load(Connection c, BenchDatabase db) throws SQLException {
        int deep = deepMessages();
        int n = conversations();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + META + " (k VARCHAR(64) NOT NULL PRIMARY KEY, v BIGINT NOT NULL)");
        }
        // the deep conversation
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "conversations (id, kind, ticket_id,"
                + " transaction_id, organization_id, subject, status, live_key, created_at, deleted_at,"
                + " last_activity_at, message_count, unread_from_service, unread_from_business)"
                + " VALUES (?, 'DIRECT', NULL, NULL, 'bench-org-deep', 'Deep history', 'OPEN', NULL, ?, NULL, ?, ?, 0, 0)")) {
            ps.setString(1, DEEP_CONVERSATION.toString());
            ps.setLong(2, BASE_MICROS);
            ps.setLong(3, BASE_MICROS + deep);
            ps.setLong(4, deep);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "participants (id, conversation_id,"
                + " join_order, participant_type, user_id, organization_id, joined_at, left_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
            addParticipant(ps, DEEP_BUSINESS_PARTICIPANT, 1, "BUSINESS", "bench-bu-deep", "bench-org-deep");
            addParticipant(ps, DEEP_STAFF_PARTICIPANT, 2, "SERVICE", STAFF_USER, null);
            ps.executeBatch();
        }
        String g = "g";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "messages (id, conversation_id, seq,"
                + " sender_id, sent_by_type, author_user_id, body, client_message_id, created_at, read_at)"
                + " SELECT " + uuid(db, "b0000005", g) + ", ?, " + g + ","
                + " CASE WHEN MOD(" + g + ", 2) = 0 THEN ? ELSE ? END,"
                + " CASE WHEN MOD(" + g + ", 2) = 0 THEN 'SERVICE' ELSE 'BUSINESS' END,"
                + " CASE WHEN MOD(" + g + ", 2) = 0 THEN ? ELSE 'bench-bu-deep' END,"
                + " CONCAT('Deep history message ', " + text(db, g) + ", ': the payout for the order was confirmed'),"
                + " NULL, " + g + " + ?, " + g + " + ? FROM " + series(db, deep))) {
            ps.setString(1, DEEP_CONVERSATION.toString());
            ps.setString(2, DEEP_STAFF_PARTICIPANT);
            ps.setString(3, DEEP_BUSINESS_PARTICIPANT);
            ps.setString(4, STAFF_USER);
            ps.setLong(5, BASE_MICROS);
            ps.setLong(6, BASE_MICROS + 1);
            ps.executeUpdate();
        }
        // the wide list: n conversations, two participants and one message each
        String time = "(" + g + " * 1000 + ?)";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "conversations (id, kind, ticket_id,"
                + " transaction_id, organization_id, subject, status, live_key, created_at, deleted_at,"
                + " last_activity_at, message_count, unread_from_service, unread_from_business)"
                + " SELECT " + uuid(db, "b0000001", g) + ", 'DIRECT', NULL, NULL,"
                + " CONCAT('bench-org-', " + text(db, "MOD(" + g + ", " + BUSINESS_USERS + ")") + "),"
                + " CONCAT('Order question ', " + text(db, g) + "), 'OPEN', NULL, " + time + ", NULL, "
                + time + " + 1, 1, 0, 1 FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.setLong(2, BASE_MICROS);
            ps.executeUpdate();
        }
        String businessUser = text(db, "MOD(" + g + ", " + BUSINESS_USERS + ")");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "participants (id, conversation_id,"
                + " join_order, participant_type, user_id, organization_id, joined_at, left_at)"
                + " SELECT " + uuid(db, "b0000002", g) + ", " + uuid(db, "b0000001", g) + ", 1, 'BUSINESS',"
                + " CONCAT('bench-bu-', " + businessUser + "), CONCAT('bench-org-', " + businessUser + "), "
                + time + ", NULL FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "participants (id, conversation_id,"
                + " join_order, participant_type, user_id, organization_id, joined_at, left_at)"
                + " SELECT " + uuid(db, "b0000003", g) + ", " + uuid(db, "b0000001", g) + ", 2, 'SERVICE',"
                + " CONCAT('bench-agent-', " + text(db, "MOD(" + g + ", 50)") + "), NULL, " + time
                + ", NULL FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "messages (id, conversation_id, seq,"
                + " sender_id, sent_by_type, author_user_id, body, client_message_id, created_at, read_at)"
                + " SELECT " + uuid(db, "b0000004", g) + ", " + uuid(db, "b0000001", g) + ", 1, "
                + uuid(db, "b0000002", g) + ", 'BUSINESS', CONCAT('bench-bu-', " + businessUser + "),"
                + " CONCAT('Hello, a question about order ', " + text(db, g) + "), NULL, " + time + " + 1, NULL"
                + " FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.executeUpdate();
        }
        recount(c, db);
        analyze(c, db);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + META + " (k, v) VALUES (?, 1)")) {
            ps.setString(1, markerKey());
            ps.executeUpdate();
        }
    }

    /**
     * Puts reused data back to its loaded state: deletes every row the benchmarks of earlier
     * runs created (their ids do not start with {@code b000000}) and the messages they
     * appended to the deep conversation, and restores its counters. Without this, each run
     * would add thousands of conversations on top of the lists and measure a different
     * data set.
     *
     * @return how many rows were deleted
     */
    public static long trim(Connection c, BenchDatabase db) throws SQLException {
        c.setAutoCommit(true);
        int deep = deepMessages();
        String loaded = "b000000%";
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + PREFIX + "messages WHERE conversation_id = ?"
                + " AND seq > ?")) {
            ps.setString(1, DEEP_CONVERSATION.toString());
            ps.setLong(2, deep);
            deleted += ps.executeUpdate();
        }
        for (String[] t : List.of(new String[] {"messages", "conversation_id"},
                new String[] {"participants", "conversation_id"}, new String[] {"conversations", "id"})) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + PREFIX + t[0] + " WHERE " + t[1]
                    + " NOT LIKE ?")) {
                ps.setString(1, loaded);
                deleted += ps.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            deleted += s.executeUpdate("DELETE FROM " + PREFIX + "tickets");
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + PREFIX + "conversations SET message_count = ?,"
                + " last_activity_at = ?, unread_from_service = 0, unread_from_business = 0 WHERE id = ?")) {
            ps.setLong(1, deep);
            ps.setLong(2, BASE_MICROS + deep);
            ps.setString(3, DEEP_CONVERSATION.toString());
            ps.executeUpdate();
        }
        if (deleted > 0) {
            recount(c, db);
            analyze(c, db);
        }
        return deleted;
    }

    /**
     * Recomputes the store's maintained conversation counts from the tables, as the V004
     * migration does for an existing database: the data set is written and trimmed around
     * the store, which would otherwise keep counting what it saw itself.
     */
    static void recount(Connection c, BenchDatabase db) throws SQLException {
        Dialect dialect = switch (db) {
            case H2 -> Dialect.H2;
            case POSTGRESQL -> Dialect.POSTGRESQL;
            case MARIADB -> Dialect.MARIADB;
        };
        String counts = Migrator.migrations(dialect, PREFIX).stream()
                .filter(m -> m.script().equals("V004__conversation_counts.sql")).findFirst().orElseThrow().text();
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + PREFIX + "conversation_counts");
            for (String statement : Migrator.statements(counts)) {
                if (statement.startsWith("INSERT")) {
                    s.executeUpdate(statement);
                }
            }
        }
    }

    private static void analyze(Connection c, BenchDatabase db) throws SQLException {
        try (Statement s = c.createStatement()) {
            switch (db) {
                case POSTGRESQL -> {
                    for (String t : List.of("tickets", "conversations", "participants", "messages", "conversation_counts")) {
                        s.execute("VACUUM ANALYZE " + PREFIX + t);
                    }
                }
                case H2 -> s.execute("ANALYZE");
                case MARIADB -> s.execute("ANALYZE TABLE " + PREFIX + "conversations, " + PREFIX + "participants, "
                        + PREFIX + "messages");
            }
        }
    }

    private static void addParticipant(PreparedStatement ps, String id, int order, String type, String user,
                                       String organization) throws SQLException {
        ps.setString(1, id);
        ps.setString(2, DEEP_CONVERSATION.toString());
        ps.setInt(3, order);
        ps.setString(4, type);
        ps.setString(5, user);
        ps.setString(6, organization);
        ps.setLong(7, BASE_MICROS);
        ps.addBatch();
    }

    /** Id of the loaded conversation number {@code i} (1-based). */
    public static ConversationId loadedConversation(int i) {
        return ConversationId.parse(String.format("b0000001-0000-4000-8000-%012d", i));
    }

    private static String markerKey() {
        return dataSetKey();
    }

    /** Names the data set: its layout version and sizes. */
    static String dataSetKey() {
        return "loaded:v1:" + deepMessages() + ":" + conversations();
    }

    /** A canonical UUID string made of a fixed head and the zero-padded row number. */
    private static String uuid(BenchDatabase db, String head, String g) {
        return "CONCAT('" + head + "-0000-4000-8000-', LPAD(" + text(db, g) + ", 12, '0'))";
    }

    private static String text(BenchDatabase db, String expression) {
        return "CAST(" + expression + " AS " + (db == BenchDatabase.MARIADB ? "CHAR" : "VARCHAR") + ")";
    }

    /** Rows numbered 1..n in a column {@code g}; n is a trusted int, not input. */
    private static String series(BenchDatabase db, int n) {
        return switch (db) {
            case POSTGRESQL -> "generate_series(1, " + n + ") AS s(g)";
            case H2 -> "(SELECT X AS g FROM SYSTEM_RANGE(1, " + n + ")) s";
            case MARIADB -> "(SELECT seq AS g FROM seq_1_to_" + n + ") s";
        };
    }
}
