package dev.txchat.core;

/**
 * A message to post. The body passes through the service's
 * {@link dev.txchat.core.spi.ContentPolicy} before it is stored.
 *
 * <p>{@code clientMessageId} makes posting idempotent: a repeated id in the same
 * conversation returns the first message and stores nothing new, so a client can safely
 * retry after a timeout.
 *
 * @param body            the text; validated by the content policy (field {@code body})
 * @param clientMessageId optional idempotency key chosen by the client, at most 128 characters
 */
public record NewMessage(String body, String clientMessageId) {

    /** A message without an idempotency key. */
    public static NewMessage of(String body) {
        return new NewMessage(body, null);
    }

    /** A message with an idempotency key. */
    public static NewMessage of(String body, String clientMessageId) {
        return new NewMessage(body, clientMessageId);
    }
}
