package dev.txchat.core;

/** Lifecycle of a conversation. Deletion is soft: messages are kept for audit. */
public enum ConversationStatus {
    OPEN,
    DELETED
}
