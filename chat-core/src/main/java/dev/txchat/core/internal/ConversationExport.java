package dev.txchat.core.internal;

import dev.txchat.core.AuditVerification;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.Participant;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.StoredConversation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes one conversation's whole record as one JSON document, streaming: messages and audit
 * entries are read in keyset pages, each page in a unit of work of its own (a store may retry
 * a unit of work, and what was written to the stream cannot be taken back), and written as
 * they come, while the {@link AuditVerifier} checks them. Memory stays that of one page.
 *
 * <p>The document, keys in this order: {@code format} ({@value #FORMAT}), {@code exportedAt},
 * {@code regulated}, {@code conversation} (with its {@code legalHold} or null),
 * {@code ticket} (with the transaction's details, or null), {@code participants},
 * {@code messages} (each with its read time, {@code editedAt}, {@code redactedAt}, current
 * {@code body}, and {@code versions}: the superseded texts), {@code audit} (every stored entry:
 * sequence, action, messageId, at, entry, previousHash, hash) and {@code verification}.
 * Messages and entries are those stored when their page was read; the audit section ends at
 * the chain's head as of the start of the export.
 */
final class ConversationExport {

    static final String FORMAT = "txchat-export/1";

    /** Runs a read-only unit of work. */
    interface Reads {
        <T> T read(Function<ChatStoreTransaction, T> work);
    }

    private final ConversationId id;
    private final Reads reads;
    private final boolean regulated;
    private final Instant exportedAt;

    ConversationExport(ConversationId id, Reads reads, boolean regulated, Instant exportedAt) {
        this.id = id;
        this.reads = reads;
        this.regulated = regulated;
        this.exportedAt = exportedAt;
    }

    private record Head(StoredConversation conversation, TransactionTicket ticket, ComplianceState compliance,
                        AuditRecord firstEntry) {
    }

    void writeTo(OutputStream out) {
        Head head = reads.read(tx -> {
            StoredConversation c = tx.findConversation(id)
                    .orElseThrow(() -> new NotFoundException("conversation " + id + " not found"));
            String transactionId = c.conversation().transactionId();
            TransactionTicket ticket = transactionId == null ? null : tx.findTicket(transactionId).orElse(null);
            ComplianceState compliance = regulated ? tx.complianceState(id) : ComplianceState.NONE;
            List<AuditRecord> first = regulated ? tx.readAudit(id, 0, 1) : List.of();
            return new Head(c, ticket, compliance, first.isEmpty() ? null : first.get(0));
        });
        AuditVerifier verifier = new AuditVerifier(id);
        verifier.chainStartsWith(head.firstEntry());
        verifier.recordedHead(head.compliance());
        try {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            w.write("{\"format\":");
            value(w, FORMAT);
            w.write(",\"exportedAt\":");
            value(w, exportedAt.toString());
            w.write(",\"regulated\":");
            value(w, regulated);
            w.write(",\"conversation\":");
            value(w, conversation(head.conversation(), head.compliance().legalHold()));
            w.write(",\"ticket\":");
            value(w, head.ticket() == null ? null : ticket(head.ticket()));
            w.write(",\"participants\":[");
            boolean first = true;
            for (Participant p : head.conversation().conversation().participants()) {
                if (!first) {
                    w.write(',');
                }
                first = false;
                value(w, FeedCodec.participant(p));
            }
            w.write("],\"messages\":[");
            writeMessages(w, verifier);
            w.write("],\"audit\":[");
            writeAudit(w, verifier, head.compliance().auditSequence());
            verifier.chainEnd();
            w.write("],\"verification\":");
            value(w, verification(verifier.result()));
            w.write("}");
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the export of conversation " + id + " failed", e);
        }
    }

    private record MessagePage(List<Message> messages, List<MessageVersion> versions, List<AuditRecord> entries) {
    }

    private void writeMessages(Writer w, AuditVerifier verifier) throws IOException {
        Long bound = null;
        boolean first = true;
        while (true) {
            Long from = bound;
            MessagePage page = reads.read(tx -> {
                List<Message> messages = tx.listMessages(id, from, true, DefaultChatService.MESSAGE_PAGE);
                if (messages.isEmpty()) {
                    return new MessagePage(messages, List.of(), List.of());
                }
                List<MessageId> ids = messages.stream().map(Message::id).toList();
                return new MessagePage(messages, tx.messageVersions(id, ids),
                        regulated ? tx.auditOfMessages(id, ids) : List.of());
            });
            verifier.messages(page.messages(), page.entries(), page.versions());
            Map<MessageId, List<Object>> versions = new HashMap<>();
            for (MessageVersion v : page.versions()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("number", (long) v.number());
                json.put("body", v.body());
                json.put("writtenAt", instant(v.writtenAt()));
                json.put("supersededAt", instant(v.supersededAt()));
                versions.computeIfAbsent(v.messageId(), k -> new ArrayList<>()).add(json);
            }
            for (Message m : page.messages()) {
                if (!first) {
                    w.write(',');
                }
                first = false;
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("id", m.id().toString());
                json.put("sequence", m.sequence());
                json.put("senderId", m.senderId().toString());
                json.put("sentByType", m.sentByType().name());
                json.put("authorUserId", m.authorUserId());
                json.put("createdAt", instant(m.createdAt()));
                json.put("readAt", instant(m.readAt()));
                json.put("clientMessageId", m.clientMessageId());
                json.put("editedAt", instant(m.editedAt()));
                json.put("redactedAt", instant(m.redactedAt()));
                json.put("body", m.body());
                json.put("versions", versions.getOrDefault(m.id(), List.of()));
                value(w, json);
            }
            if (page.messages().size() < DefaultChatService.MESSAGE_PAGE) {
                return;
            }
            bound = page.messages().get(page.messages().size() - 1).sequence();
        }
    }

    private void writeAudit(Writer w, AuditVerifier verifier, long headSequence) throws IOException {
        if (!regulated) {
            return;
        }
        long after = 0;
        boolean first = true;
        while (after < headSequence) {
            long from = after;
            List<AuditRecord> page = reads.read(tx -> tx.readAudit(id, from, DefaultChatService.AUDIT_PAGE));
            for (AuditRecord r : page) {
                if (r.sequence() > headSequence) {
                    return;
                }
                verifier.entry(r);
                if (!first) {
                    w.write(',');
                }
                first = false;
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("sequence", r.sequence());
                json.put("action", r.action());
                json.put("messageId", r.messageId() == null ? null : r.messageId().toString());
                json.put("at", instant(r.at()));
                json.put("entry", r.entry());
                json.put("previousHash", r.previousHash());
                json.put("hash", r.hash());
                value(w, json);
            }
            if (page.size() < DefaultChatService.AUDIT_PAGE) {
                return;
            }
            after = page.get(page.size() - 1).sequence();
        }
    }

    private static Map<String, Object> conversation(StoredConversation stored, LegalHold hold) {
        Conversation c = stored.conversation();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id().toString());
        json.put("kind", c.kind().name());
        json.put("status", c.status().name());
        json.put("subject", c.subject());
        json.put("organizationId", c.organizationId());
        json.put("transactionId", c.transactionId());
        json.put("createdAt", instant(c.createdAt()));
        json.put("messageCount", stored.messageCount());
        if (hold == null) {
            json.put("legalHold", null);
        } else {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("reason", hold.reason());
            h.put("placedAt", instant(hold.placedAt()));
            h.put("placedBy", hold.placedBy());
            json.put("legalHold", h);
        }
        return json;
    }

    private static Map<String, Object> ticket(TransactionTicket t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", t.id().toString());
        json.put("transactionId", t.transactionId());
        json.put("createdAt", instant(t.createdAt()));
        json.put("details", new java.util.TreeMap<String, Object>(t.details()));
        return json;
    }

    private static Map<String, Object> verification(AuditVerification v) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("valid", v.valid());
        json.put("entriesChecked", v.entriesChecked());
        json.put("messagesChecked", v.messagesChecked());
        json.put("firstBadSequence", v.firstBadSequence());
        json.put("problem", v.problem());
        return json;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static void value(Writer w, Object value) throws IOException {
        w.write(Json.write(value));
    }
}
