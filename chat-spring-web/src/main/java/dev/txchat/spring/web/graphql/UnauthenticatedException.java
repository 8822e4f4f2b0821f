package dev.txchat.spring.web.graphql;

/**
 * Thrown by a GraphQL operation whose request has no actor ({@link dev.txchat.spring.web.ActorResolver}
 * returned {@code null}); reported as an {@code UNAUTHORIZED} GraphQL error. Immutable, thread-safe.
 */
public final class UnauthenticatedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The one message: authentication required. */
    public UnauthenticatedException() {
        super("authentication required", null, false, false);
    }
}
