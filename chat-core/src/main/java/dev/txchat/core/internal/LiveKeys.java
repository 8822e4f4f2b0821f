package dev.txchat.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The keys that make a conversation unique among live ones (see
 * {@link dev.txchat.core.spi.NewConversation}).
 *
 * <p>A transaction chat is keyed by (transaction, business user id, organization id): the
 * same user id in two organizations is two people with two chats. The three ids are joined
 * unambiguously ({@code ~} escaped as {@code ~~}, {@code :} as {@code ~:}, a null
 * organization as the empty string, which no valid id is) and hashed with SHA-256, so the
 * key has a fixed length whatever the ids. The same function is written in SQL in the
 * {@code V002} migrations, which re-key chats stored by earlier versions; change both or
 * neither.
 */
final class LiveKeys {
    private LiveKeys() {
    }

    /** One live chat per (transaction, business user id, organization id). */
    static String transactionChat(String transactionId, String businessUserId, String organizationId) {
        String joined = "T:" + escape(transactionId) + ":" + escape(businessUserId) + ":"
                + escape(organizationId == null ? "" : organizationId);
        return "T:" + sha256Hex(joined);
    }

    /** One live thread per business account. */
    static String accountThread(String organizationId) {
        return "A:" + organizationId;
    }

    private static String escape(String id) {
        return id.replace("~", "~~").replace(":", "~:");
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
