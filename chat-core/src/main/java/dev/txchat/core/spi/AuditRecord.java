package dev.txchat.core.spi;

import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a conversation's audit chain (regulated mode), built and hashed by the core. A
 * store persists every field exactly as given (the strings byte for byte, the instant to the
 * microsecond) and never interprets or recomputes them; primary key
 * ({@code conversationId}, {@code sequence}).
 *
 * <p>The chain: {@code hash = lowercase hex of SHA-256(UTF-8 bytes of previousHash + "\n" + entry)},
 * and each entry's {@code previousHash} is the {@code hash} of the entry with the sequence
 * before it ({@link ComplianceState#GENESIS_HASH} for sequence 1). {@code entry} is the
 * canonical form described in the README ("Regulated mode"): one JSON object, keys in a fixed
 * order, no whitespace. The other fields repeat parts of it for queries and are not hashed.
 *
 * @param conversationId the conversation whose chain it belongs to
 * @param sequence       1, 2, 3, … within the conversation; gapless until a purge removes a prefix
 * @param action         what happened, e.g. {@code MESSAGE_POSTED} (also inside {@code entry}); at most 32 ASCII characters
 * @param messageId      the message it concerns, or null (the store indexes it: see
 *                       {@link ChatStoreTransaction#auditOfMessages})
 * @param at             when the unit of work that wrote it ran (microseconds)
 * @param entry          the canonical JSON text that was hashed; at most 64 KiB of UTF-8
 * @param previousHash   64 lowercase hex characters
 * @param hash           64 lowercase hex characters
 */
public record AuditRecord(ConversationId conversationId, long sequence, String action, MessageId messageId,
                          Instant at, String entry, String previousHash, String hash) {
    public AuditRecord {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be at least 1: " + sequence);
        }
    }
}
