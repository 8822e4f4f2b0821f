package dev.txchat.jdbi.internal;

import dev.txchat.core.ParticipantType;
import dev.txchat.jdbi.Dialect;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** PostgreSQL 12 or newer. */
final class PostgresCustomization extends JdbcCustomization {
    static final PostgresCustomization INSTANCE = new PostgresCustomization();
    /** Namespace of txchat's PostgreSQL advisory locks ("txch"). */
    private static final int ADVISORY_LOCK_CLASS = 0x74786368;

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    String insertIgnoringDuplicates(String insert, String keyColumn) {
        return insert + " ON CONFLICT DO NOTHING";
    }

    @Override
    String deleteOldestFeedEntries(String feedTable, String where) {
        // no DELETE ... LIMIT
        return "DELETE FROM " + feedTable + " WHERE id IN (SELECT id FROM " + feedTable + " " + where
                + " ORDER BY position LIMIT :max)";
    }

    /**
     * Data-modifying CTEs: one statement, one round trip, and the same all-or-nothing outcome
     * as three statements in the transaction.
     */
    @Override
    String appendMessageWithFeed(Sql sql, ParticipantType sentBy, int feedRows) {
        return sql.appendWithFeedInCtes(sentBy, feedRows);
    }

    /** A data-modifying CTE, as {@link #appendMessageWithFeed}. */
    @Override
    String appendAuditMovingHead(String insertInto, String values, String moveHead) {
        return "WITH appended AS (" + insertInto + " VALUES " + values + ") " + moveHead;
    }

    @Override
    void underMigrationLock(Jdbi jdbi, String prefix, Consumer<Handle> apply) {
        jdbi.useHandle(h -> {
            int key = prefix.hashCode();
            Handles.query(h, "SELECT pg_advisory_lock(:lockClass, :lockKey)")
                    .bind("lockClass", ADVISORY_LOCK_CLASS).bind("lockKey", key).mapToMap().one();
            try {
                apply.accept(h);
            } finally {
                Handles.query(h, "SELECT pg_advisory_unlock(:lockClass, :lockKey)")
                        .bind("lockClass", ADVISORY_LOCK_CLASS).bind("lockKey", key).mapToMap().one();
            }
        });
    }

    @Override
    public boolean notifiesFeedAppends() {
        return true;
    }
}
