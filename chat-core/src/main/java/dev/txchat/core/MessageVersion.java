package dev.txchat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One version of a message's text, as {@link ChatService#messageHistory} returns it: number
 * 1 is the text as posted, each edit adds the next number. Immutable.
 *
 * @param messageId    the message
 * @param number       1 for the original, 2 after the first edit, …
 * @param body         the text of this version; null if a redaction outside regulated mode erased it
 * @param writtenAt    when this version was written (the post, or the edit that made it)
 * @param supersededAt when an edit or a redaction replaced it; null for the current version
 * @param current      whether participants see this version now (false for every version of a redacted message)
 */
public record MessageVersion(MessageId messageId, int number, String body, Instant writtenAt, Instant supersededAt,
                             boolean current) {
    public MessageVersion {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(writtenAt, "writtenAt");
        if (number < 1) {
            throw new IllegalArgumentException("number must be at least 1: " + number);
        }
    }
}
