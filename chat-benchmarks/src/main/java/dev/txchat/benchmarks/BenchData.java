package dev.txchat.benchmarks;

import dev.txchat.core.ConversationId;
import dev.txchat.jdbi.Dialect;
import dev.txchat.jdbi.internal.Migrator;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads a {@link DataSet} straight into the txchat tables of its prefix with set-based inserts
 * ({@code INSERT ... SELECT} over {@code generate_series} on PostgreSQL, {@code SYSTEM_RANGE}
 * on H2, the {@code seq_1_to_N} engine on MariaDB), so a million rows take seconds, not
 * minutes. The rows are exactly what the store would have written (same counters, same
 * last-message invariant), so txchat and the raw-JDBC baselines read the same data. The
 * loader writes the store's tables directly: when the schema changes, change it too (a data
 * set already loaded is upgraded by the store's own {@code migrate()}, which every run calls).
 *
 * <p>A data set:
 * <ul>
 *   <li>if it has one, the DIRECT conversation {@link #DEEP_CONVERSATION} with
 *       {@link DataSet#deepMessages()} messages between {@link #STAFF_USER} and
 *       {@code bench-bu-deep};</li>
 *   <li>{@link DataSet#conversations()} conversations numbered g = 1..n, each with one
 *       business participant ({@code bench-bu-<g mod 10>} of {@code bench-org-<g mod 10>}, so
 *       each business user and organization has a tenth of them), one staff participant and
 *       one unread message, with distinct activity times in the past (below anything the
 *       benchmarks create); a tenth of them, spread evenly over the organizations
 *       ({@link #isTransaction}), are TRANSACTION chats with a ticket each, the rest DIRECT.</li>
 * </ul>
 * A marker row in {@code <prefix>meta} records the layout and sizes; a later run with the same
 * reuses the data, with others it drops and reloads. Not thread-safe: the runner loads before
 * any benchmark starts.
 */
public final class BenchData {
    /** Table prefix of the large data set, apart from any test's. */
    public static final String PREFIX = "bench_";
    public static final String STAFF_USER = "bench-staff";
    public static final ConversationId DEEP_CONVERSATION =
            ConversationId.parse("b0000000-0000-4000-8000-000000000001");
    static final String DEEP_BUSINESS_PARTICIPANT = "b0000000-0000-4000-8000-000000000002";
    static final String DEEP_STAFF_PARTICIPANT = "b0000000-0000-4000-8000-000000000003";
    /** Every loaded time is after this (2024-01-01T00:00:00Z) and long before now. */
    static final long BASE_MICROS = 1_704_067_200_000_000L;
    /** Business users (and their organizations) among whom the loaded conversations are spread. */
    public static final int BUSINESS_USERS = 10;
    static final String TICKET_DETAILS = "{\"amount\":\"120.50\",\"currency\":\"EUR\"}";

    private BenchData() {
    }

    /** Whether loaded conversation number g is a transaction chat: a tenth, every organization alike. */
    static boolean isTransaction(int g) {
        return g / 10 % 10 == 0;
    }

    /** Whether the data set is in place in its tables. */
    public static boolean isLoaded(Connection c, DataSet set) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + set.prefix() + "meta WHERE k = ?")) {
            ps.setString(1, set.key());
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

    /**
     * Drops every table whose name starts with {@code prefix} (and, on PostgreSQL, the
     * functions of that prefix a migration created), whatever the store's schema version
     * holds, so that the next {@code migrate()} starts from nothing.
     */
    public static void drop(Connection c, BenchDatabase db, String prefix) throws SQLException {
        c.setAutoCommit(true);
        DatabaseMetaData meta = c.getMetaData();
        String escape = meta.getSearchStringEscape();
        String pattern = (meta.storesUpperCaseIdentifiers() ? prefix.toUpperCase(Locale.ROOT) : prefix)
                .replace("_", escape + "_") + "%";
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), pattern, new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        try (Statement s = c.createStatement()) {
            if (db == BenchDatabase.MARIADB) {
                s.execute("SET FOREIGN_KEY_CHECKS = 0");
            }
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t + (db == BenchDatabase.MARIADB ? "" : " CASCADE"));
            }
            if (db == BenchDatabase.MARIADB) {
                s.execute("SET FOREIGN_KEY_CHECKS = 1");
            }
        }
        if (db == BenchDatabase.POSTGRESQL) {
            List<String> functions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT p.oid::regprocedure::text FROM pg_proc p"
                    + " JOIN pg_namespace n ON n.oid = p.pronamespace"
                    + " WHERE n.nspname = current_schema() AND starts_with(p.proname, ?)")) {
                ps.setString(1, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        functions.add(rs.getString(1));
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                for (String f : functions) {
                    s.execute("DROP FUNCTION IF EXISTS " + f + " CASCADE");
                }
            }
        }
    }

    /**
     * Loads the data set into freshly migrated, empty tables and writes the marker.
     * Runs in autocommit mode, one statement per table.
     */
    public static void load(Connection c, BenchDatabase db, DataSet set) throws SQLException {
        String p = set.prefix();
        int n = set.conversations();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + p + "meta (k VARCHAR(64) NOT NULL PRIMARY KEY, v BIGINT NOT NULL)");
        }
        if (set.hasDeepConversation()) {
            loadDeepConversation(c, db, set);
        }
        String g = "g";
        String time = "(" + g + " * 1000 + ?)";
        String transaction = "MOD(" + (db == BenchDatabase.MARIADB ? g + " DIV 10" : g + " / 10") + ", 10) = 0";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "tickets (id, transaction_id, details,"
                + " created_at) SELECT " + uuid(db, "b0000006", g) + ", CONCAT('bench-tx-load-', " + text(db, g)
                + "), ?, " + time + " FROM " + series(db, n) + " WHERE " + transaction)) {
            ps.setString(1, TICKET_DETAILS);
            ps.setLong(2, BASE_MICROS);
            ps.executeUpdate();
        }
        // the wide list: n conversations, two participants and one message each
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "conversations (id, kind, ticket_id,"
                + " transaction_id, organization_id, subject, status, live_key, created_at, deleted_at,"
                + " last_activity_at, message_count, unread_from_service, unread_from_business)"
                + " SELECT " + uuid(db, "b0000001", g) + ","
                + " CASE WHEN " + transaction + " THEN 'TRANSACTION' ELSE 'DIRECT' END,"
                + " CASE WHEN " + transaction + " THEN " + uuid(db, "b0000006", g) + " END,"
                + " CASE WHEN " + transaction + " THEN CONCAT('bench-tx-load-', " + text(db, g) + ") END,"
                + " CONCAT('bench-org-', " + text(db, "MOD(" + g + ", " + BUSINESS_USERS + ")") + "),"
                + " CONCAT('Order question ', " + text(db, g) + "), 'OPEN', NULL, " + time + ", NULL, "
                + time + " + 1, 1, 0, 1 FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.setLong(2, BASE_MICROS);
            ps.executeUpdate();
        }
        String businessUser = text(db, "MOD(" + g + ", " + BUSINESS_USERS + ")");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "participants (id, conversation_id,"
                + " join_order, participant_type, user_id, organization_id, joined_at, left_at)"
                + " SELECT " + uuid(db, "b0000002", g) + ", " + uuid(db, "b0000001", g) + ", 1, 'BUSINESS',"
                + " CONCAT('bench-bu-', " + businessUser + "), CONCAT('bench-org-', " + businessUser + "), "
                + time + ", NULL FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "participants (id, conversation_id,"
                + " join_order, participant_type, user_id, organization_id, joined_at, left_at)"
                + " SELECT " + uuid(db, "b0000003", g) + ", " + uuid(db, "b0000001", g) + ", 2, 'SERVICE',"
                + " CONCAT('bench-agent-', " + text(db, "MOD(" + g + ", 50)") + "), NULL, " + time
                + ", NULL FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "messages (id, conversation_id, seq,"
                + " sender_id, sent_by_type, author_user_id, body, client_message_id, created_at, read_at)"
                + " SELECT " + uuid(db, "b0000004", g) + ", " + uuid(db, "b0000001", g) + ", 1, "
                + uuid(db, "b0000002", g) + ", 'BUSINESS', CONCAT('bench-bu-', " + businessUser + "),"
                + " CONCAT('Hello, a question about order ', " + text(db, g) + "), NULL, " + time + " + 1, NULL"
                + " FROM " + series(db, n))) {
            ps.setLong(1, BASE_MICROS);
            ps.executeUpdate();
        }
        // statistics first: on tables never analyzed PostgreSQL plans the backfill's joins as
        // nested loops over sequential scans, which at 100,000 conversations does not finish
        analyze(c, db, p);
        backfill(c, db, p);
        analyze(c, db, p);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "meta (k, v) VALUES (?, 1)")) {
            ps.setString(1, set.key());
            ps.executeUpdate();
        }
    }

    private static void loadDeepConversation(Connection c, BenchDatabase db, DataSet set) throws SQLException {
        String p = set.prefix();
        int deep = set.deepMessages();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "conversations (id, kind, ticket_id,"
                + " transaction_id, organization_id, subject, status, live_key, created_at, deleted_at,"
                + " last_activity_at, message_count, unread_from_service, unread_from_business)"
                + " VALUES (?, 'DIRECT', NULL, NULL, 'bench-org-deep', 'Deep history', 'OPEN', NULL, ?, NULL, ?, ?, 0, 0)")) {
            ps.setString(1, DEEP_CONVERSATION.toString());
            ps.setLong(2, BASE_MICROS);
            ps.setLong(3, BASE_MICROS + deep);
            ps.setLong(4, deep);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "participants (id, conversation_id,"
                + " join_order, participant_type, user_id, organization_id, joined_at, left_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
            addParticipant(ps, DEEP_BUSINESS_PARTICIPANT, 1, "BUSINESS", "bench-bu-deep", "bench-org-deep");
            addParticipant(ps, DEEP_STAFF_PARTICIPANT, 2, "SERVICE", STAFF_USER, null);
            ps.executeBatch();
        }
        String g = "g";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + p + "messages (id, conversation_id, seq,"
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
    }

    /**
     * Puts reused data back to its loaded state: deletes every row the benchmarks of earlier
     * runs created (their ids do not start with {@code b000000}), the messages they appended to
     * the deep conversation and the change-feed entries they wrote, and restores the deep
     * conversation's counters. Without this, each run would add thousands of conversations on
     * top of the lists and measure a different data set.
     *
     * @return how many rows were deleted
     */
    public static long trim(Connection c, BenchDatabase db, DataSet set) throws SQLException {
        c.setAutoCommit(true);
        String p = set.prefix();
        String loaded = "b000000%";
        long deleted = 0;
        if (set.hasDeepConversation()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + p + "messages WHERE conversation_id = ?"
                    + " AND seq > ?")) {
                ps.setString(1, DEEP_CONVERSATION.toString());
                ps.setLong(2, set.deepMessages());
                deleted += ps.executeUpdate();
            }
        }
        for (String[] t : List.of(new String[] {"messages", "conversation_id"},
                new String[] {"participants", "conversation_id"}, new String[] {"conversations", "id"},
                new String[] {"tickets", "id"})) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + p + t[0] + " WHERE " + t[1]
                    + " NOT LIKE ?")) {
                ps.setString(1, loaded);
                deleted += ps.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            deleted += s.executeUpdate("DELETE FROM " + p + "feed");
        } catch (SQLException e) {
            // a schema without the change feed
        }
        if (set.hasDeepConversation()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + p + "conversations SET message_count = ?,"
                    + " last_activity_at = ?, unread_from_service = 0, unread_from_business = 0 WHERE id = ?")) {
                ps.setLong(1, set.deepMessages());
                ps.setLong(2, BASE_MICROS + set.deepMessages());
                ps.setString(3, DEEP_CONVERSATION.toString());
                ps.executeUpdate();
            }
        }
        backfill(c, db, p);
        if (deleted > 0) {
            analyze(c, db, p);
        }
        return deleted;
    }

    /**
     * Recomputes what the store keeps about rows it did not write itself, with the statements
     * of the migrations that compute it for an existing database: the maintained
     * conversation counts (V004) and each conversation's newest message (V005). The data set
     * is written and trimmed around the store, which would otherwise keep what it saw itself.
     */
    static void backfill(Connection c, BenchDatabase db, String prefix) throws SQLException {
        Dialect dialect = switch (db) {
            case H2 -> Dialect.H2;
            case POSTGRESQL -> Dialect.POSTGRESQL;
            case MARIADB -> Dialect.MARIADB;
        };
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + prefix + "conversation_counts");
            for (Migrator.Migration m : Migrator.migrations(dialect, prefix)) {
                String redo = switch (m.script()) {
                    case "V004__conversation_counts.sql" -> "INSERT";
                    case "V005__write_path_without_history.sql" -> "UPDATE";
                    default -> null;
                };
                if (redo == null) {
                    continue;
                }
                for (String statement : Migrator.statements(m.text())) {
                    if (statement.startsWith(redo)) {
                        s.executeUpdate(statement);
                    }
                }
            }
        }
    }

    private static void analyze(Connection c, BenchDatabase db, String p) throws SQLException {
        try (Statement s = c.createStatement()) {
            switch (db) {
                case POSTGRESQL -> {
                    for (String t : List.of("tickets", "conversations", "participants", "messages")) {
                        s.execute("VACUUM ANALYZE " + p + t);
                    }
                }
                case H2 -> s.execute("ANALYZE");
                case MARIADB -> s.execute("ANALYZE TABLE " + p + "tickets, " + p + "conversations, " + p
                        + "participants, " + p + "messages");
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
