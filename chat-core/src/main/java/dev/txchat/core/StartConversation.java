package dev.txchat.core;

/**
 * Request to start a general (non-transaction) conversation with a business user or account.
 *
 * @param with         the business participant; required
 * @param subject      optional subject line, at most 200 characters
 * @param firstMessage optional first message, posted by the starting staff user
 */
public record StartConversation(ParticipantRef with, String subject, NewMessage firstMessage) {

    /** A conversation with {@code with}, no subject, no first message. */
    public static StartConversation with(ParticipantRef with) {
        return new StartConversation(with, null, null);
    }
}
