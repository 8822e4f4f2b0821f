package dev.txchat.core;

/**
 * The two sides of every conversation.
 */
public enum ParticipantType {
    /** Platform staff; in an account thread, the operator side. */
    SERVICE,
    /** A client user or a client account (seller organization). */
    BUSINESS;

    /** The other side. */
    public ParticipantType opposite() {
        return this == SERVICE ? BUSINESS : SERVICE;
    }
}
