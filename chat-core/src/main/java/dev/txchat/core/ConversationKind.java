package dev.txchat.core;

/** What a conversation is about. */
public enum ConversationKind {
    /** A general chat a staff user started with a business user or account. */
    DIRECT,
    /** A chat about one transaction with one business user, under a {@link TransactionTicket}. */
    TRANSACTION,
    /** The one continuous thread between the platform and a business account. */
    ACCOUNT
}
