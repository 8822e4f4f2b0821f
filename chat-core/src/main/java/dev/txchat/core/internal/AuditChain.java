package dev.txchat.core.internal;

import dev.txchat.core.Actor;
import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ComplianceState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The canonical form of audit entries and the hash that chains them. The form is part of the
 * public contract (README, "Regulated mode"), because a regulator re-verifies it without
 * txchat: change it only by raising {@link #FORMAT}.
 *
 * <p>An entry is one JSON object, no whitespace, keys in exactly this order:
 * {@code v} (the format, 1), {@code conversationId}, {@code sequence}, {@code action},
 * {@code at} (ISO-8601, {@link Instant#toString()}), {@code actor}
 * ({@code {"type","userId","organizationId"}}, or null for the system), {@code messageId}
 * (or null), {@code version} (the message version the entry wrote, or null),
 * {@code bodySha256} (lowercase hex SHA-256 of that version's UTF-8 text, or null), and
 * {@code details} (an object whose keys depend on the action). Strings escape {@code "} and
 * {@code \} with a backslash, newline, carriage return and tab as {@code \n \r \t}, and
 * other characters below U+0020 and U+2028/U+2029 as {@code \}{@code uXXXX} (lowercase hex);
 * everything else is written as is, in UTF-8.
 *
 * <p>{@code hash = hex(SHA-256(UTF-8(previousHash + "\n" + entry)))}; the first entry's
 * previous hash is 64 zeros.
 */
final class AuditChain {

    static final long FORMAT = 1;

    private AuditChain() {
    }

    /** The canonical entry text. */
    static String entry(ConversationId conversationId, long sequence, String action, Instant at, Actor actor,
                        MessageId messageId, Integer version, String bodySha256, Map<String, Object> details) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("v", FORMAT);
        json.put("conversationId", conversationId.toString());
        json.put("sequence", sequence);
        json.put("action", action);
        json.put("at", at.toString());
        if (actor == null) {
            json.put("actor", null);
        } else {
            Map<String, Object> who = new LinkedHashMap<>();
            who.put("type", actor.type().name());
            who.put("userId", actor.userId());
            who.put("organizationId", actor.organizationId());
            json.put("actor", who);
        }
        json.put("messageId", messageId == null ? null : messageId.toString());
        json.put("version", version == null ? null : (long) version);
        json.put("bodySha256", bodySha256);
        json.put("details", details == null ? Map.of() : details);
        return Json.write(json);
    }

    /** The record of the entry following {@code head}. */
    static AuditRecord next(ComplianceState head, ConversationId conversationId, String action, Instant at,
                            Actor actor, MessageId messageId, Integer version, String bodySha256,
                            Map<String, Object> details) {
        long sequence = head.auditSequence() + 1;
        String entry = entry(conversationId, sequence, action, at, actor, messageId, version, bodySha256, details);
        return new AuditRecord(conversationId, sequence, action, messageId, at, entry, head.auditHash(),
                hash(head.auditHash(), entry));
    }

    /** The chain hash of {@code entry} after {@code previousHash}. */
    static String hash(String previousHash, String entry) {
        return sha256(previousHash + "\n" + entry);
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Parses a stored entry (for verification and purges). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String entry) {
        Object value = Json.read(entry);
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    // the actions, as written in entries
    static final String CONVERSATION_STARTED = "CONVERSATION_STARTED";
    static final String MESSAGE_POSTED = "MESSAGE_POSTED";
    static final String MESSAGE_EDITED = "MESSAGE_EDITED";
    static final String MESSAGE_REDACTED = "MESSAGE_REDACTED";
    static final String MESSAGES_READ = "MESSAGES_READ";
    static final String PARTICIPANT_ADDED = "PARTICIPANT_ADDED";
    static final String PARTICIPANT_REMOVED = "PARTICIPANT_REMOVED";
    static final String CONVERSATION_DELETED = "CONVERSATION_DELETED";
    static final String LEGAL_HOLD_PLACED = "LEGAL_HOLD_PLACED";
    static final String LEGAL_HOLD_RELEASED = "LEGAL_HOLD_RELEASED";
    static final String PURGE_CHECKPOINT = "PURGE_CHECKPOINT";
}
