package dev.txchat.core.spi;

import dev.txchat.core.Conversation;
import java.util.Objects;

/**
 * A conversation to insert, with its first participants.
 *
 * <p>{@code liveKey}, when not null, is unique among live (not deleted) conversations:
 * the store keeps at most one live conversation per key, and deleting a conversation
 * frees its key. The core derives it, for example one per (transaction, business user)
 * and one per business account; the store only enforces it.
 *
 * @param conversation the conversation (status OPEN) and its initial participants
 * @param liveKey      the uniqueness key among live conversations, or null for none; at most 320 characters
 */
public record NewConversation(Conversation conversation, String liveKey) {
    public NewConversation {
        Objects.requireNonNull(conversation, "conversation");
        if (liveKey != null && liveKey.length() > 320) {
            throw new IllegalArgumentException("liveKey longer than 320 characters");
        }
    }
}
