package dev.txchat.core.internal;

/**
 * The keys that make a conversation unique among live ones (see
 * {@link dev.txchat.core.spi.NewConversation}). Lengths are prefixed so no choice of ids
 * can make two different pairs produce the same key.
 */
final class LiveKeys {
    private LiveKeys() {
    }

    /** One live chat per (transaction, business user). */
    static String transactionChat(String transactionId, String businessUserId) {
        return "T:" + transactionId.length() + ":" + transactionId + ":" + businessUserId;
    }

    /** One live thread per business account. */
    static String accountThread(String organizationId) {
        return "A:" + organizationId;
    }
}
