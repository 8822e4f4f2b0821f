package dev.txchat.jdbi.internal;

import dev.txchat.jdbi.Dialect;
import java.time.Duration;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

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

    @Override
    String deleteOldestFeedEntries(String feedTable, String where) {
        return "DELETE FROM " + feedTable + " " + where + " ORDER BY position LIMIT :max";
    }

    /**
     * MariaDB defaults to REPEATABLE READ, whose snapshot would hide the row that won a
     * unique-key race from the loser's following read.
     */
    @Override
    void beforeUnitOfWork(Handle handle) {
        handle.setTransactionIsolationLevel(TransactionIsolationLevel.READ_COMMITTED);
    }

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
