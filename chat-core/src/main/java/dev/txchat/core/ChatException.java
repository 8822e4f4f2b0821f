package dev.txchat.core;

/**
 * Root of every exception txchat throws on purpose. All are unchecked.
 *
 * <p>Catch this type to handle every failure the library reports by name; anything else
 * escaping a {@link ChatService} call (for example a JDBC failure wrapped by the store) is
 * an infrastructure problem, not a rule of the chat domain.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public abstract class ChatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected ChatException(String message) {
        super(message);
    }

    protected ChatException(String message, Throwable cause) {
        super(message, cause);
    }
}
