package dev.txchat.core;

/**
 * The calling actor is known to lack the right to perform the action: a service user
 * without the permission the {@link dev.txchat.core.spi.AccessPolicy} requires, or a
 * business user attempting an operation reserved for staff.
 */
public final class AccessDeniedException extends ChatException {
    private static final long serialVersionUID = 1L;

    /** @param message what was denied, and why */
    public AccessDeniedException(String message) {
        super(message);
    }
}
