package dev.txchat.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The floor for {@code postMessage}: the least a <em>correct</em> append can do, on minimal
 * tables of its own ({@code bmin_conversations}, {@code bmin_messages}). A conversation is a
 * counter row (id, message count, unread count, last activity); a message is its unique id,
 * conversation, gapless sequence, sender, body and time; the only index is each table's
 * primary key, and there are no foreign keys. The append is the same transaction as
 * {@link RawJdbc#postMessage}'s, lock-and-increment the counter row for the sequence while
 * bumping the counters, insert the message, commit, so the difference between the two
 * baselines is what the library's schema costs. Thread-safe.
 */
public final class RawMinimal {
    static final String PREFIX = "bmin_";
    private static final String CONVERSATIONS = PREFIX + "conversations";
    private static final String MESSAGES = PREFIX + "messages";

    private final DataSource dataSource;
    private final BenchDatabase db;
    private final CounterBump bump;
    private final String insertMessage = "INSERT INTO " + MESSAGES
            + " (id, conversation_id, seq, sender_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)";

    public RawMinimal(DataSource dataSource, BenchDatabase db) {
        this.dataSource = dataSource;
        this.db = db;
        this.bump = new CounterBump(db, CONVERSATIONS, "unread_count = unread_count + 1");
    }

    /**
     * Creates the two tables unless they exist. Ids are {@code COLLATE "C"} on PostgreSQL and
     * the body is as wide as the store's, as in the library's schema.
     */
    public void createTables() throws SQLException {
        String id = db == BenchDatabase.POSTGRESQL ? "VARCHAR(36) COLLATE \"C\"" : "VARCHAR(36)";
        String body = db == BenchDatabase.POSTGRESQL ? "TEXT" : "VARCHAR(16000)";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("CREATE TABLE IF NOT EXISTS " + CONVERSATIONS + " (id " + id + " NOT NULL PRIMARY KEY,"
                    + " message_count BIGINT NOT NULL, unread_count BIGINT NOT NULL, last_activity_at BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS " + MESSAGES + " (id " + id + " NOT NULL PRIMARY KEY,"
                    + " conversation_id " + id + " NOT NULL, seq BIGINT NOT NULL, sender_id " + id + " NOT NULL,"
                    + " body " + body + " NOT NULL, created_at BIGINT NOT NULL)");
        }
    }

    /** A new, empty conversation; returns its id. */
    public String newConversation() throws SQLException {
        String id = UUID.randomUUID().toString();
        Jdbc.inTransaction(dataSource, c -> Jdbc.update(c, "INSERT INTO " + CONVERSATIONS
                + " (id, message_count, unread_count, last_activity_at) VALUES (?, 0, 0, ?)", id, Jdbc.nowMicros()));
        return id;
    }

    /**
     * Appends a message with the next gapless sequence and bumps the counters, in one
     * transaction.
     *
     * @return the message's sequence
     */
    public long postMessage(String conversationId, String senderId, String body) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> {
            long now = Jdbc.nowMicros();
            long seq = bump.next(c, conversationId, now);
            Jdbc.update(c, insertMessage, UUID.randomUUID().toString(), conversationId, seq, senderId, body, now);
            return seq;
        });
    }
}
