package dev.txchat.jdbi.internal;

import dev.txchat.jdbi.Dialect;
import java.time.Duration;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.jdbi.v3.core.transaction.UnableToManipulateTransactionIsolationLevelException;

/** MariaDB 10.6 or newer, InnoDB. */
final class MariaDbCustomization extends JdbcCustomization {
    static final MariaDbCustomization INSTANCE = new MariaDbCustomization();

    @Override
    public Dialect dialect() {
        return Dialect.MARIADB;
    }

    @Override
    String insertIgnoringDuplicates(String insert, String keyColumn) {
        // a no-op update, unlike INSERT IGNORE, still fails on every other error
        return insert + " ON DUPLICATE KEY UPDATE " + keyColumn + " = " + keyColumn;
    }

    /**
     * The driver reports found rows, not changed rows: an ignored duplicate counts 1 like an
     * insert, so the outcome is unknown.
     */
    @Override
    int executeIgnoringDuplicate(org.jdbi.v3.core.statement.Update insert) {
        insert.execute();
        return -1;
    }

    /** InnoDB locks the live-key index entry before the row: see {@link JdbcCustomization#locksByLiveKey()}. */
    @Override
    boolean locksByLiveKey() {
        return false;
    }

    /**
     * MariaDB has no statement that writes two tables: the entries go in alone and
     * {@link #auditInsertMovesHead()} says the head needs its own update. (A trigger would make
     * it one statement, but creating one needs privileges, SUPER with binary logging on, that
     * V007 must not demand of every host.)
     */
    @Override
    String appendAuditMovingHead(String insertInto, String values, String moveHead) {
        return insertInto + " VALUES " + values;
    }

    @Override
    boolean auditInsertMovesHead() {
        return false;
    }

    @Override
    String deleteOldestFeedEntries(String feedTable, String where) {
        return "DELETE FROM " + feedTable + " " + where + " ORDER BY position LIMIT :max";
    }

    /**
     * Makes the transaction just begun on {@code h} (auto-commit off, no statement run yet)
     * READ COMMITTED on MariaDB, whose default REPEATABLE READ snapshot would hide the row
     * that won a unique-key race from the loser's following read.
     *
     * <p>Round trips, counted in the server's general log per {@code postMessage}: JDBI's
     * {@code inTransaction(READ_COMMITTED, ..)} set the session level and set it back in
     * every call, two statements of ten. Setting the session level once per connection and
     * leaving it would not be correct: the connection goes back to the host's pool, whose
     * other users expect the level the host configured (and HikariCP, which notices the
     * change, sets it back on return anyway, so nothing would be saved there). Instead:
     * <ul>
     *   <li>{@code SET TRANSACTION ISOLATION LEVEL READ COMMITTED}, without {@code SESSION},
     *       applies to the next transaction only, this one: the session keeps the host's
     *       level, and there is nothing to set back;</li>
     *   <li>and not even that when the session already runs at READ COMMITTED (a pool
     *       configured so, e.g. with the driver's {@code transactionIsolation=READ-COMMITTED}
     *       or HikariCP's {@code transactionIsolation}). Asking costs no round trip once the
     *       driver knows the level: MariaDB Connector/J answers
     *       {@code getTransactionIsolation()} from the session state the server reports in
     *       its replies (session tracking, server 10.2.2+), but only once a change was
     *       reported; until then it asks the server, every time. So the first time a
     *       physical connection comes by, it is set to the level it already has, which the
     *       server then reports; from then on the driver tracks every change, ours or the
     *       host's (a host that sets another level is seen at the next call, as nothing is
     *       remembered here but that the driver knows). An older server or another driver
     *       answers by a query, as it did for JDBI.</li>
     * </ul>
     * It must run before the transaction's first statement (afterwards MariaDB refuses the
     * {@code SET TRANSACTION}); JDBI's {@code inTransaction} only turns auto-commit off
     * before calling back.
     */
    @Override
    public void beforeFirstStatement(Handle h) {
        Connection connection = h.getConnection();
        try {
            Connection physical = physical(connection);
            if (ISOLATION_TRACKED.putIfAbsent(physical, Boolean.TRUE) == null) {
                // on the driver's own connection: the pool's proxy needs to know of no change, there is none
                physical.setTransactionIsolation(physical.getTransactionIsolation());
            }
            if (connection.getTransactionIsolation() == Connection.TRANSACTION_READ_COMMITTED) {
                return;
            }
        } catch (SQLException e) {
            throw new UnableToManipulateTransactionIsolationLevelException(
                    "cannot read the transaction isolation level", e);
        }
        h.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }

    /** The driver's connection behind a pool's proxy, or the connection itself if it will not tell. */
    private static Connection physical(Connection connection) {
        try {
            return connection.unwrap(Connection.class);
        } catch (SQLException | RuntimeException e) {
            return connection;
        }
    }

    /**
     * The physical connections whose driver was made to track the session's isolation level
     * ({@link #beforeFirstStatement}); weak, so closed connections leave.
     */
    private static final Map<Connection, Boolean> ISOLATION_TRACKED = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    void underMigrationLock(Jdbi jdbi, String prefix, Consumer<Handle> apply) {
        Duration wait = Migrator.LOCK_WAIT;
        jdbi.useHandle(h -> {
            String name = "txchat_migrate_" + prefix;
            Integer got = Handles.query(h, "SELECT GET_LOCK(:name, :seconds)")
                    .bind("name", name).bind("seconds", (int) wait.toSeconds())
                    .mapTo(Integer.class).one();
            if (got == null || got != 1) {
                throw new IllegalStateException("could not get the migration lock " + name + " within " + wait);
            }
            try {
                apply.accept(h);
            } finally {
                Handles.query(h, "SELECT RELEASE_LOCK(:name)").bind("name", name).mapToMap().one();
            }
        });
    }

    @Override
    String createTableOptions() {
        return " ENGINE = InnoDB DEFAULT CHARSET = utf8mb4";
    }
}
