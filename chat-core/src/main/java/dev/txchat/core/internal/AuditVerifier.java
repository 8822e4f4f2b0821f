package dev.txchat.core.internal;

import dev.txchat.core.AuditVerification;
import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ComplianceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Recomputes a conversation's audit chain entry by entry, and compares pages of messages
 * (with their stored versions) with the entries that recorded their texts. It holds only the
 * running state of the chain and of one page, so a caller that feeds it keyset pages
 * verifies any length in constant memory. Not thread-safe.
 *
 * <p>The checks: each entry's hash is the hash of its previous hash and its text; each
 * previous hash is the hash of the entry before; sequences have no gap; the chain starts at
 * the genesis hash, or (after a purge) at the previous hash a later checkpoint entry names;
 * the entry names its own conversation and sequence. Each message the chain covers (posted
 * no earlier than the chain's first remaining entry) has the entries of its versions, and
 * every stored text hashes to what its entry recorded; a redacted message is an empty
 * tombstone with a redaction entry, and a message with a redaction entry is redacted.
 */
final class AuditVerifier {

    private final ConversationId conversationId;
    private long entries;
    private long messages;
    private Long firstBad;
    private String problem;

    private long expectedSequence;
    private String previousHash;
    private long firstSequence = -1;
    private String firstPreviousHash;
    private boolean startVouchedFor;
    /** When the chain's first remaining entry was written; messages older than it predate the chain. */
    private Instant coveredFrom;

    AuditVerifier(ConversationId conversationId) {
        this.conversationId = conversationId;
    }

    /** The chain's first remaining entry, known before the messages are checked; null if the chain is empty. */
    void chainStartsWith(AuditRecord first) {
        coveredFrom = first == null ? null : first.at();
    }

    /** The next entry of the chain, in sequence order. */
    void entry(AuditRecord r) {
        entries++;
        if (firstSequence < 0) {
            firstSequence = r.sequence();
            firstPreviousHash = r.previousHash();
            if (r.sequence() == 1) {
                startVouchedFor = true;
                if (!ComplianceState.GENESIS_HASH.equals(r.previousHash())) {
                    fail(1, "entry 1 does not start from the genesis hash");
                }
            }
        } else if (r.sequence() != expectedSequence) {
            fail(expectedSequence, "entry " + expectedSequence + " is missing (the next stored entry is "
                    + r.sequence() + ")");
        } else if (!r.previousHash().equals(previousHash)) {
            fail(r.sequence(), "entry " + r.sequence() + " does not link to the hash of entry " + (r.sequence() - 1));
        }
        if (!AuditChain.hash(r.previousHash(), r.entry()).equals(r.hash())) {
            fail(r.sequence(), "entry " + r.sequence() + " does not hash to its stored hash: its text was changed");
        }
        Map<String, Object> json;
        try {
            json = AuditChain.parse(r.entry());
        } catch (RuntimeException e) {
            json = null;
        }
        if (json == null || !conversationId.toString().equals(json.get("conversationId"))
                || !Objects.equals((long) r.sequence(), json.get("sequence"))
                || !r.action().equals(json.get("action"))
                || !Objects.equals(r.messageId() == null ? null : r.messageId().toString(), json.get("messageId"))) {
            fail(r.sequence(), "entry " + r.sequence() + " does not describe itself (conversation, sequence, action"
                    + " or message differ from its row)");
        } else if (AuditChain.PURGE_CHECKPOINT.equals(r.action()) && json.get("details") instanceof Map<?, ?> d
                && Objects.equals(d.get("purgedAuditThrough"), firstSequence - 1)
                && Objects.equals(d.get("lastPurgedHash"), firstPreviousHash)) {
            startVouchedFor = true;
        }
        expectedSequence = r.sequence() + 1;
        previousHash = r.hash();
    }

    /** After the last entry. */
    void chainEnd() {
        if (firstSequence > 1 && !startVouchedFor) {
            fail(firstSequence, "the chain starts at entry " + firstSequence
                    + " and no purge checkpoint vouches for the entries before it");
        }
    }

    /**
     * A page of messages with every audit entry that names one of them and their stored
     * (superseded) versions.
     */
    void messages(List<Message> page, List<AuditRecord> entriesOfPage, List<MessageVersion> versionsOfPage) {
        Map<MessageId, List<AuditRecord>> entriesByMessage = new HashMap<>();
        for (AuditRecord r : entriesOfPage) {
            entriesByMessage.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r);
        }
        Map<MessageId, List<MessageVersion>> versionsByMessage = new HashMap<>();
        for (MessageVersion v : versionsOfPage) {
            versionsByMessage.computeIfAbsent(v.messageId(), k -> new ArrayList<>()).add(v);
        }
        for (Message m : page) {
            messages++;
            check(m, entriesByMessage.getOrDefault(m.id(), List.of()), versionsByMessage.getOrDefault(m.id(), List.of()));
        }
    }

    private void check(Message m, List<AuditRecord> recorded, List<MessageVersion> stored) {
        if (recorded.isEmpty()) {
            if (coveredFrom != null && !m.createdAt().isBefore(coveredFrom)) {
                fail(0, "message " + m.id() + " (sequence " + m.sequence() + ") is in no audit entry");
            }
            return;
        }
        Map<Long, AuditRecord> byVersion = new HashMap<>();
        Map<Long, String> hashByVersion = new HashMap<>();
        AuditRecord redaction = null;
        boolean posted = false;
        long lastVersion = 0;
        for (AuditRecord r : recorded) {
            Map<String, Object> json;
            try {
                json = AuditChain.parse(r.entry());
            } catch (RuntimeException e) {
                continue; // the chain pass reports the entry
            }
            if (AuditChain.MESSAGE_REDACTED.equals(r.action())) {
                redaction = r;
            } else if (json.get("version") instanceof Long version) {
                byVersion.put(version, r);
                hashByVersion.put(version, (String) json.get("bodySha256"));
                lastVersion = Math.max(lastVersion, version);
                posted |= AuditChain.MESSAGE_POSTED.equals(r.action());
            }
        }
        for (MessageVersion v : stored) {
            AuditRecord r = byVersion.get((long) v.number());
            if (r == null) {
                if (posted) {
                    fail(0, "version " + v.number() + " of message " + m.id() + " is in no audit entry");
                }
                continue;
            }
            if (v.body() == null || !AuditChain.sha256(v.body()).equals(hashByVersion.get((long) v.number()))) {
                fail(r.sequence(), "the stored text of version " + v.number() + " of message " + m.id()
                        + " does not match entry " + r.sequence());
            }
        }
        long storedVersions = stored.size();
        if (m.isRedacted()) {
            if (redaction == null) {
                fail(0, "message " + m.id() + " is redacted but no audit entry records it");
            } else if (!m.body().isEmpty()) {
                fail(redaction.sequence(), "the tombstone of message " + m.id() + " holds text");
            }
            if (storedVersions < lastVersion) {
                fail(byVersion.get(storedVersions + 1).sequence(), "version " + (storedVersions + 1) + " of message "
                        + m.id() + " is no longer stored");
            }
            return;
        }
        if (redaction != null) {
            fail(redaction.sequence(), "message " + m.id() + " was redacted (entry " + redaction.sequence()
                    + ") but shows text again");
            return;
        }
        long current = storedVersions + 1;
        AuditRecord r = byVersion.get(current);
        if (r == null) {
            // no entry recorded the text it holds: naming an entry that does match would mislead
            fail(0, "message " + m.id() + " holds version " + current + " but the chain records version "
                    + lastVersion);
        } else if (!AuditChain.sha256(m.body()).equals(hashByVersion.get(current))) {
            fail(r.sequence(), "the stored text of message " + m.id() + " does not match entry " + r.sequence());
        }
    }

    /** Keeps the earliest problem; one that no entry can be named for (0) only when there is no other. */
    private void fail(long sequence, String what) {
        if (firstBad == null || rank(sequence) < rank(firstBad)) {
            firstBad = sequence;
            problem = what;
        }
    }

    private static long rank(long sequence) {
        return sequence == 0 ? Long.MAX_VALUE : sequence;
    }

    AuditVerification result() {
        return new AuditVerification(conversationId, firstBad == null, entries, messages, firstBad, problem);
    }
}
