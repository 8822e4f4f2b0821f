package dev.txchat.jdbi.internal;

import java.sql.SQLException;
import java.util.Set;

/**
 * Recognizes database failures after which re-running the whole unit of work may succeed:
 * serialization failures, deadlocks and lock wait timeouts.
 */
public final class TransientErrors {
    /**
     * 40001 serialization failure / deadlock (PostgreSQL, MariaDB, H2), 40P01 PostgreSQL
     * deadlock, 55P03 PostgreSQL lock not available, HYT00 H2 lock timeout, 90131 H2
     * concurrent update.
     */
    private static final Set<String> STATES = Set.of("40001", "40P01", "55P03", "HYT00", "90131");
    /** MariaDB/MySQL: 1213 deadlock, 1205 lock wait timeout. */
    private static final Set<Integer> MARIADB_CODES = Set.of(1213, 1205);

    private TransientErrors() {
    }

    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryableConflictException) {
                return true;
            }
            if (t instanceof SQLException se) {
                for (SQLException e = se; e != null; e = e.getNextException()) {
                    if (isTransient(e)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        if (state != null && STATES.contains(state)) {
            return true;
        }
        // MariaDB reports lock wait timeouts with a general SQLState (HY000), so check the code
        return MARIADB_CODES.contains(e.getErrorCode()) && (state == null || !state.startsWith("23"));
    }

    /** The SQLState of the first {@link SQLException} in the cause chain, or null. */
    public static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException se) {
                return se.getSQLState();
            }
        }
        return null;
    }
}
