package dev.txchat.jdbi;

import dev.txchat.core.ChatException;

/**
 * A database error that {@link JdbiChatStore} could not handle: the database is unreachable,
 * the tables are missing (call {@link JdbiChatStore#migrate()}), a constraint was violated
 * unexpectedly, or a transient failure (deadlock, serialization failure, lock timeout)
 * persisted through every retry. The cause is the driver's or JDBI's exception;
 * {@link #sqlState()} gives the SQLState when there is one.
 *
 * <p>Like every exception txchat throws, it is a {@link ChatException}: a host catching
 * {@code ChatException} handles every failure of a chat call; one that wants to tell
 * infrastructure failures apart catches this type first.
 */
public class ChatStoreException extends ChatException {
    private static final long serialVersionUID = 1L;

    /** The SQLState, kept for callers that decide by it (e.g. to retry a joined transaction). */
    private final String sqlState;

    /**
     * @param message what failed
     * @param cause   the underlying exception
     */
    public ChatStoreException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /**
     * @param message  what failed
     * @param sqlState the SQLState, or null
     * @param cause    the underlying exception
     */
    public ChatStoreException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** @return the SQLState of the underlying {@link java.sql.SQLException}, or null */
    public String sqlState() {
        return sqlState;
    }
}
