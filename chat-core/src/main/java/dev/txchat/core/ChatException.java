package dev.txchat.core;

/**
 * Root of every exception txchat throws on purpose. All are unchecked.
 *
 * <p>Catch this type to handle every failure a chat call reports: the domain's own
 * ({@link ValidationException}, {@link AccessDeniedException}, {@link NotFoundException},
 * {@link ConflictException}) and a store's infrastructure failures (the JDBI store's
 * {@code ChatStoreException}, a database that is unreachable or refused a statement).
 * Anything else escaping a call is a bug.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public abstract class ChatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    protected ChatException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    protected ChatException(String message, Throwable cause) {
        super(message, cause);
    }
}
