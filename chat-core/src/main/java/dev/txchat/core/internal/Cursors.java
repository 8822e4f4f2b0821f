package dev.txchat.core.internal;

import dev.txchat.core.ConversationId;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ConversationKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page cursors. A cursor carries the keyset position plus a truncated HMAC over
 * the position and the list it belongs to (the conversation for messages; the actor's
 * scope and filter for conversations), so a cursor that was edited, invented, or taken
 * from another list is rejected as a {@link ValidationException} on the cursor field.
 *
 * <p>Cursors are tamper-evident, not secret: they hold a sequence number or an activity
 * time, and the key is fixed so they stay valid across restarts and application nodes.
 * They never widen access: every page query is still scoped to the caller.
 */
final class Cursors {

    private static final String VERSION = "1";
    private static final byte[] KEY = "txchat cursor integrity v1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAC_BYTES = 12;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Cursors() {
    }

    static String forMessage(ConversationId conversation, long sequence) {
        return seal("m|" + sequence, "m|" + conversation);
    }

    static long messageSequence(String cursor, ConversationId conversation, String field) {
        String[] parts = open(cursor, "m|" + conversation, field);
        if (parts.length != 2 || !parts[0].equals("m")) {
            throw foreign(field);
        }
        try {
            long sequence = Long.parseLong(parts[1]);
            if (sequence < 0) {
                throw foreign(field);
            }
            return sequence;
        } catch (NumberFormatException e) {
            throw foreign(field);
        }
    }

    static String forConversation(ConversationKey key, String scope) {
        Instant at = key.lastActivityAt();
        return seal("c|" + at.getEpochSecond() + "|" + at.getNano() + "|" + key.id(), "c|" + scope);
    }

    static ConversationKey conversationKey(String cursor, String scope, String field) {
        String[] parts = open(cursor, "c|" + scope, field);
        if (parts.length != 4 || !parts[0].equals("c")) {
            throw foreign(field);
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            return new ConversationKey(at, new ConversationId(UUID.fromString(parts[3])));
        } catch (RuntimeException e) {
            throw foreign(field);
        }
    }

    private static String seal(String position, String list) {
        String payload = VERSION + "|" + position;
        byte[] mac = mac(payload, list);
        return ENCODER.encodeToString((payload + "|" + ENCODER.encodeToString(mac)).getBytes(StandardCharsets.UTF_8));
    }

    /** Checks the version and MAC; returns the position's parts. */
    private static String[] open(String cursor, String list, String field) {
        if (cursor.length() > 200) {
            throw foreign(field);
        }
        String text;
        try {
            text = new String(DECODER.decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw foreign(field);
        }
        int macStart = text.lastIndexOf('|');
        if (macStart < 0 || !text.startsWith(VERSION + "|")) {
            throw foreign(field);
        }
        String payload = text.substring(0, macStart);
        byte[] given;
        try {
            given = DECODER.decode(text.substring(macStart + 1));
        } catch (IllegalArgumentException e) {
            throw foreign(field);
        }
        if (!java.security.MessageDigest.isEqual(given, mac(payload, list))) {
            throw foreign(field);
        }
        return payload.substring(VERSION.length() + 1).split("\\|", -1);
    }

    private static byte[] mac(String payload, String list) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            mac.update(list.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            byte[] full = mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
            byte[] truncated = new byte[MAC_BYTES];
            System.arraycopy(full, 0, truncated, 0, MAC_BYTES);
            return truncated;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    private static ValidationException foreign(String field) {
        return ValidationException.of(field, "is not a cursor issued for this list");
    }
}
