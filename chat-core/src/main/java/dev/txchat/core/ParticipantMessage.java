package dev.txchat.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A message as a reader sees it: the message with its sender. Immutable.
 *
 * @param message the message
 * @param sender  the participant it was sent as
 */
public record ParticipantMessage(Message message, Participant sender) {
    public ParticipantMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(sender, "sender");
    }

    public MessageId id() {
        return message.id();
    }

    public String body() {
        return message.body();
    }

    public Instant createdAt() {
        return message.createdAt();
    }

    public Instant readAt() {
        return message.readAt();
    }

    public ParticipantType sentByType() {
        return message.sentByType();
    }

    public long sequence() {
        return message.sequence();
    }

    public java.time.Instant editedAt() {
        return message.editedAt();
    }

    public boolean isRedacted() {
        return message.isRedacted();
    }
}
