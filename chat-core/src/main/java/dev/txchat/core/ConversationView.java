package dev.txchat.core;

import java.util.Objects;

/**
 * A conversation as the calling actor sees it in a list or on opening it. Immutable.
 *
 * @param conversation the conversation
 * @param messageCount how many messages it holds
 * @param unreadCount  how many of the other side's messages the caller's side has not read
 * @param lastMessage  the newest message, or null when there is none
 */
public record ConversationView(Conversation conversation, long messageCount, long unreadCount,
                               ParticipantMessage lastMessage) {
    public ConversationView {
        Objects.requireNonNull(conversation, "conversation");
    }

    public ConversationId id() {
        return conversation.id();
    }
}
