package dev.txchat.jdbi.internal;

/**
 * A unique key is held by a row this transaction cannot see yet (or saw disappear): the
 * unit of work is re-run, like after a deadlock.
 */
public final class RetryableConflictException extends RuntimeException {
    public RetryableConflictException(String what) {
        super("unique key conflict on " + what + " could not be resolved in this transaction; retrying");
    }
}
