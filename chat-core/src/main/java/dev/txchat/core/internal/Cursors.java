package dev.txchat.core.internal;

import dev.txchat.core.ConversationId;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ConversationKey;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page cursors. A cursor carries the keyset position in binary plus a truncated
 * HMAC-SHA256 over the position and the list it belongs to (the conversation for messages;
 * the actor's scope and filter for conversations), so a cursor that was edited, invented,
 * or taken from another list is rejected as a {@link ValidationException} on the cursor
 * field.
 *
 * <p>The key is never in the source: by default it is generated once per database and kept
 * there by the store ({@code ChatStoreTransaction.findOrCreateSecret}), so every node
 * accepts every node's cursors; a host may set its own with
 * {@code ChatServiceBuilder.cursorSecret}. The list identity is encoded unambiguously
 * (each part length-prefixed, null distinct from every string), so no choice of ids makes
 * two lists share cursors. Positions are range-checked after the MAC: even a cursor signed
 * with a leaked key cannot carry a time or sequence the store cannot represent.
 *
 * <p>Cursors are tamper-evident, not secret: they hold a sequence number or an activity
 * time. They never widen access: every page query is still scoped to the caller.
 * Immutable and thread-safe.
 */
final class Cursors {

    private static final byte VERSION = 2;
    private static final byte MESSAGE = 'm';
    private static final byte CONVERSATION = 'c';
    private static final int MAC_BYTES = 16;
    private static final int MESSAGE_POSITION_BYTES = 2 + Long.BYTES;
    private static final int CONVERSATION_POSITION_BYTES = 2 + Long.BYTES + Integer.BYTES + 2 * Long.BYTES;
    /** Stores keep microseconds in a signed 64-bit number: about 292,000 years either side of 1970. */
    private static final long MAX_ABS_EPOCH_SECOND = 9_000_000_000_000L;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /** Shortest secret accepted: 128 bits. */
    static final int MIN_SECRET_BYTES = 16;

    private final SecretKeySpec key;

    Cursors(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a cursor secret needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    String forMessage(ConversationId conversation, long sequence) {
        ByteBuffer position = ByteBuffer.allocate(MESSAGE_POSITION_BYTES).put(VERSION).put(MESSAGE).putLong(sequence);
        return seal(position.array(), messageList(conversation));
    }

    long messageSequence(String cursor, ConversationId conversation, String field) {
        ByteBuffer position = open(cursor, MESSAGE, MESSAGE_POSITION_BYTES, messageList(conversation), field);
        long sequence = position.getLong();
        if (sequence < 0) {
            throw foreign(field);
        }
        return sequence;
    }

    String forConversation(ConversationKey key, List<String> scope) {
        Instant at = key.lastActivityAt();
        UUID id = key.id().value();
        ByteBuffer position = ByteBuffer.allocate(CONVERSATION_POSITION_BYTES).put(VERSION).put(CONVERSATION)
                .putLong(at.getEpochSecond()).putInt(at.getNano())
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return seal(position.array(), conversationList(scope));
    }

    ConversationKey conversationKey(String cursor, List<String> scope, String field) {
        ByteBuffer position = open(cursor, CONVERSATION, CONVERSATION_POSITION_BYTES, conversationList(scope), field);
        long second = position.getLong();
        int nano = position.getInt();
        if (second > MAX_ABS_EPOCH_SECOND || second < -MAX_ABS_EPOCH_SECOND || nano < 0 || nano > 999_999_999) {
            throw foreign(field);
        }
        UUID id = new UUID(position.getLong(), position.getLong());
        return new ConversationKey(Instant.ofEpochSecond(second, nano), new ConversationId(id));
    }

    private static byte[] messageList(ConversationId conversation) {
        return encodeList(MESSAGE, List.of(conversation.toString()));
    }

    private static byte[] conversationList(List<String> scope) {
        return encodeList(CONVERSATION, scope);
    }

    /** Each part as its UTF-8 length and bytes; -1 for null, which no string encodes to. */
    private static byte[] encodeList(byte kind, List<String> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(kind);
        for (String part : parts) {
            if (part == null) {
                out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
            } else {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }

    private String seal(byte[] position, byte[] list) {
        byte[] sealed = new byte[position.length + MAC_BYTES];
        System.arraycopy(position, 0, sealed, 0, position.length);
        System.arraycopy(mac(position, list), 0, sealed, position.length, MAC_BYTES);
        return ENCODER.encodeToString(sealed);
    }

    /** Checks size, version, kind and MAC; returns the position positioned after version and kind. */
    private ByteBuffer open(String cursor, byte kind, int positionBytes, byte[] list, String field) {
        int expectedLength = (positionBytes + MAC_BYTES) * 4 / 3 + 3;
        if (cursor.length() > expectedLength) {
            throw foreign(field);
        }
        byte[] sealed;
        try {
            sealed = DECODER.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw foreign(field);
        }
        if (sealed.length != positionBytes + MAC_BYTES || sealed[0] != VERSION || sealed[1] != kind) {
            throw foreign(field);
        }
        byte[] position = new byte[positionBytes];
        System.arraycopy(sealed, 0, position, 0, positionBytes);
        byte[] given = new byte[MAC_BYTES];
        System.arraycopy(sealed, positionBytes, given, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(given, mac(position, list))) {
            throw foreign(field);
        }
        // and the encoding must be the canonical one this class writes
        if (!ENCODER.encodeToString(sealed).equals(cursor)) {
            throw foreign(field);
        }
        return ByteBuffer.wrap(position, 2, positionBytes - 2);
    }

    private byte[] mac(byte[] position, byte[] list) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(list.length).array());
            mac.update(list);
            byte[] full = mac.doFinal(position);
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
