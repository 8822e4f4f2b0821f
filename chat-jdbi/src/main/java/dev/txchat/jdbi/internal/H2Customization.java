package dev.txchat.jdbi.internal;

import dev.txchat.core.ParticipantType;
import dev.txchat.jdbi.Dialect;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;

/** H2 2.x, embedded or server mode. */
final class H2Customization extends JdbcCustomization {
    static final H2Customization INSTANCE = new H2Customization();

    @Override
    public Dialect dialect() {
        return Dialect.H2;
    }

    /** H2 has no insert that ignores a duplicate key: the error is caught instead. */
    @Override
    String insertIgnoringDuplicates(String insert, String keyColumn) {
        return insert;
    }

    @Override
    boolean ignoresDuplicatesItself() {
        return false;
    }

    @Override
    int executeIgnoringDuplicate(Update insert) {
        try {
            return insert.execute();
        } catch (UnableToExecuteStatementException e) {
            if (!(e.getCause() instanceof SQLException se) || !"23505".equals(se.getSQLState())) {
                throw e;
            }
            return 0;
        }
    }

    /** H2's data change delta tables: {@code INSERT … SELECT … FROM FINAL TABLE (UPDATE …)}. */
    @Override
    boolean insertsFromUpdate() {
        return true;
    }

    /**
     * Data change delta tables nest: the feed rows are selected from the message insert, which
     * selects from the counter update, so the three writes are one statement (and none happens
     * when the conversation row is gone: the update yields no row to insert from).
     */
    @Override
    String appendMessageWithFeed(Sql sql, ParticipantType sentBy, int feedRows) {
        return sql.appendWithFeedFromDelta(sentBy, feedRows);
    }

    /**
     * H2 never keeps a {@code SELECT … FOR UPDATE} in its per-session statement cache
     * ({@code Select.isCacheable()} is false with FOR UPDATE): every post parsed and planned
     * its locking read again, about a tenth of the call's time in a profile. A select from an
     * update's delta table is cached like any other statement. It locks the row as FOR UPDATE
     * does (H2 locks a row by writing it in the transaction's map either way), re-checks its
     * condition against the row it waited for, and leaves the indexes alone (the column set to
     * itself is in none, and H2 skips secondary indexes whose key did not change).
     */
    @Override
    boolean locksByUpdate() {
        return true;
    }

    /**
     * The entries are selected from the updated conversation row's delta table joined with the
     * rows, as the message append does: the row exists (its lock is held), so every row is inserted.
     */
    @Override
    String appendAuditMovingHead(String insertInto, String values, String moveHead) {
        return insertInto + " SELECT v.* FROM FINAL TABLE (" + moveHead + ") head CROSS JOIN (VALUES " + values
                + ") v";
    }

    @Override
    String deleteOldestFeedEntries(String feedTable, String where) {
        return "DELETE FROM " + feedTable + " " + where + " FETCH FIRST :max ROWS ONLY";
    }

    /**
     * H2 commits DDL implicitly, which would release any lock held by the same connection,
     * so one connection holds a row lock while a second one runs the scripts.
     */
    @Override
    void underMigrationLock(Jdbi jdbi, String prefix, Consumer<Handle> apply) {
        String lockTable = prefix + "schema_lock";
        // open(), not useHandle(): JDBI would hand nested useHandle calls the same handle
        try (Handle lock = jdbi.open()) {
            ignoringDuplicates(lock, "CREATE TABLE IF NOT EXISTS " + lockTable
                    + " (id INTEGER NOT NULL, CONSTRAINT " + lockTable + "_pk PRIMARY KEY (id))");
            ignoringDuplicates(lock, "MERGE INTO " + lockTable + " (id) KEY (id) VALUES (1)");
            lock.begin();
            try {
                Instant deadline = Instant.now().plus(Migrator.LOCK_WAIT);
                while (true) {
                    try {
                        Handles.query(lock, "SELECT id FROM " + lockTable + " WHERE id = 1 FOR UPDATE")
                                .mapTo(Integer.class).one();
                        break;
                    } catch (RuntimeException e) {
                        if (!TransientErrors.isTransient(e) || Instant.now().isAfter(deadline)) {
                            throw e;
                        }
                    }
                }
                jdbi.useHandle(apply::accept);
            } finally {
                lock.rollback();
            }
        }
    }

    private static void ignoringDuplicates(Handle h, String statement) {
        try {
            Handles.update(h, statement).execute();
        } catch (UnableToExecuteStatementException e) {
            // another node created it at the same moment
            String state = e.getCause() instanceof SQLException se ? se.getSQLState() : null;
            if (state == null || !state.startsWith("23") && !"42S01".equals(state)) {
                throw e;
            }
        }
    }
}
