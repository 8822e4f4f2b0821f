package dev.txchat.jdbi.internal;

import dev.txchat.core.ParticipantType;
import dev.txchat.jdbi.Dialect;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * Everything the JDBI store does differently per database, in one class per database (as
 * db-scheduler's {@code JdbcCustomization}): the few statements whose syntax differs, how a
 * duplicate key is ignored, how migrations are serialized, and what a unit of work needs
 * before its first statement. Everything else is written once, in {@link Sql}. Stateless
 * and thread-safe.
 */
public abstract class JdbcCustomization {

    /** The customization of {@code dialect}. */
    public static JdbcCustomization of(Dialect dialect) {
        return switch (dialect) {
            case H2 -> H2Customization.INSTANCE;
            case POSTGRESQL -> PostgresCustomization.INSTANCE;
            case MARIADB -> MariaDbCustomization.INSTANCE;
        };
    }

    JdbcCustomization() {
    }

    /** The dialect this customization is for. */
    public abstract Dialect dialect();

    /**
     * {@code insert} (a plain {@code INSERT ... VALUES}) turned into an insert that does
     * nothing, without failing the transaction, when a unique key is taken; or unchanged
     * where the database has no such statement ({@link #ignoresDuplicatesItself()} false).
     *
     * @param keyColumn a column of the table, named in a no-op update where the database needs one
     */
    abstract String insertIgnoringDuplicates(String insert, String keyColumn);

    /** Whether {@link #insertIgnoringDuplicates} statements never raise a duplicate-key error. */
    boolean ignoresDuplicatesItself() {
        return true;
    }

    /**
     * Runs an insert built by {@link #insertIgnoringDuplicates}. Where the database raises
     * the duplicate anyway (H2), it is caught here; H2 leaves the transaction usable after a
     * failed statement, unlike PostgreSQL.
     *
     * @return 1 if the row was inserted, 0 if a unique key was taken, -1 if the database does
     *         not tell the two apart
     */
    int executeIgnoringDuplicate(Update insert) {
        return insert.execute() == 1 ? 1 : 0;
    }

    /**
     * Deletes at most {@code :max} feed entries matching {@code where} (a condition starting
     * with {@code WHERE}), oldest position first.
     */
    abstract String deleteOldestFeedEntries(String feedTable, String where);

    /**
     * The single statement that inserts a message, bumps its conversation's counters and
     * appends the unit of work's {@code feedRows} feed entries (parameters as
     * {@link Sql#insertFeed}), or null where each needs its own statement. It inserts exactly
     * {@code feedRows} feed rows, and none of the three writes if the conversation is gone.
     */
    String appendMessageWithFeed(Sql sql, ParticipantType sentBy, int feedRows) {
        return null;
    }

    /**
     * The one statement that inserts audit entries of one conversation and moves that
     * conversation's audit head (columns of its row, read by the locking statement): regulated
     * mode's {@code postMessage} may cost only this one statement more.
     *
     * @param insertInto {@code INSERT INTO <audit> (<columns>)}
     * @param values     the rows, {@code (:a0, :b0, ...), (:a1, ...)}
     * @param moveHead   the update of the conversation row, parameters {@code :headSeq, :headHash,
     *                   :headConversationId}
     */
    abstract String appendAuditMovingHead(String insertInto, String values, String moveHead);

    /**
     * Whether {@link #appendAuditMovingHead} moves the head itself; where not, the store runs
     * {@code moveHead} as a second statement after the insert.
     */
    boolean auditInsertMovesHead() {
        return true;
    }

    /**
     * Whether an {@code INSERT … SELECT} can read the row an {@code UPDATE} in the same
     * statement changed ({@code FINAL TABLE (UPDATE …)}), so a message and its conversation's
     * counters are written in one statement without a data-modifying CTE.
     */
    boolean insertsFromUpdate() {
        return false;
    }

    /**
     * Whether a conversation row is locked by an update that changes nothing, read back from
     * its data change delta table ({@code SELECT … FROM FINAL TABLE (UPDATE …)}), instead of
     * {@code SELECT … FOR UPDATE}.
     */
    boolean locksByUpdate() {
        return false;
    }

    /**
     * Whether a live chat is locked by a locking read on its live key. Where a locking read
     * through a secondary index locks the index entry before the row (InnoDB), it would
     * deadlock with a delete that locked the row first and then clears the key; there the
     * chat is looked up, then locked by primary key and re-checked.
     */
    boolean locksByLiveKey() {
        return true;
    }

    /**
     * Prepares the transaction the store just began on {@code handle} (auto-commit off), before
     * its first statement: the isolation level where the database's default is not READ
     * COMMITTED.
     */
    public void beforeFirstStatement(Handle handle) {
    }

    /** Runs {@code apply} while holding this database's migration lock for {@code prefix}. */
    abstract void underMigrationLock(Jdbi jdbi, String prefix, Consumer<Handle> apply);

    /** What a {@code CREATE TABLE} of the store's own bookkeeping ends with (engine, character set). */
    String createTableOptions() {
        return "";
    }

    /** Whether the database can wake other nodes when feed entries are appended (LISTEN/NOTIFY). */
    public boolean notifiesFeedAppends() {
        return false;
    }
}
