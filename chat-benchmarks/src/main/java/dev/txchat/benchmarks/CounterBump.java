package dev.txchat.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The raw baselines' gapless sequence: lock-and-increment a conversation's counter row and
 * read the new count, in one round trip where the database can return the updated row
 * ({@code UPDATE … RETURNING} on PostgreSQL, {@code FINAL TABLE (UPDATE …)} on H2); MariaDB
 * cannot, so it locks first. The row lock holds until commit, so concurrent appends to one
 * conversation take consecutive numbers. Immutable.
 */
final class CounterBump {
    private final BenchDatabase db;
    private final String lock;
    private final String bump;

    /**
     * @param table    the conversations table
     * @param counters further assignments, e.g. {@code unread = unread + 1}
     */
    CounterBump(BenchDatabase db, String table, String counters) {
        this.db = db;
        String update = "UPDATE " + table + " SET message_count = message_count + 1, " + counters
                + ", last_activity_at = ? WHERE id = ?";
        this.lock = "SELECT message_count + 1 FROM " + table + " WHERE id = ? FOR UPDATE";
        this.bump = switch (db) {
            case POSTGRESQL -> update + " RETURNING message_count";
            case H2 -> "SELECT message_count FROM FINAL TABLE (" + update + ")";
            case MARIADB -> update;
        };
    }

    /** Bumps the counters of {@code conversationId} and returns its new message count. */
    long next(Connection c, String conversationId, long now) throws SQLException {
        if (db == BenchDatabase.MARIADB) {
            long seq;
            try (PreparedStatement ps = c.prepareStatement(lock)) {
                ps.setString(1, conversationId);
                seq = Jdbc.single(ps);
            }
            Jdbc.update(c, bump, now, conversationId);
            return seq;
        }
        try (PreparedStatement ps = c.prepareStatement(bump)) {
            ps.setLong(1, now);
            ps.setString(2, conversationId);
            return Jdbc.single(ps);
        }
    }
}
