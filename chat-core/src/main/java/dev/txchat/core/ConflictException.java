package dev.txchat.core;

/**
 * The request is well formed and permitted but contradicts the current state, for
 * example posting into a deleted conversation or changing the fixed participants of an
 * account thread.
 */
public final class ConflictException extends ChatException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
