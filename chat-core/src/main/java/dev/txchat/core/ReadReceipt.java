package dev.txchat.core;

import java.time.Instant;

/**
 * Outcome of {@link ChatService#markRead}. Immutable.
 *
 * @param conversationId the conversation
 * @param markedRead     how many messages this call marked read
 * @param readAt         the time stamped on them
 */
public record ReadReceipt(ConversationId conversationId, int markedRead, Instant readAt) {
}
