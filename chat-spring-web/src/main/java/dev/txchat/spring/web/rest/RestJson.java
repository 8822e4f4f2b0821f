package dev.txchat.spring.web.rest;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationView;
import dev.txchat.core.FieldError;
import dev.txchat.core.Message;
import dev.txchat.core.Page;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.TransactionTicket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The JSON shapes of the REST surface, as ordered maps: ids are plain strings, instants
 * ISO-8601 strings, enums their names. Independent of the host's JSON configuration.
 * Stateless, thread-safe.
 */
final class RestJson {

    private RestJson() {
    }

    static String text(Object value) {
        return value == null ? null : value.toString();
    }

    static String instant(Instant value) {
        return value == null ? null : value.toString();
    }

    static <T> Map<String, Object> page(Page<T> page, Function<T, Map<String, Object>> node) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("nodes", page.nodes().stream().map(node).toList());
        json.put("totalCount", page.totalCount());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("hasNextPage", page.pageInfo().hasNextPage());
        info.put("hasPreviousPage", page.pageInfo().hasPreviousPage());
        info.put("startCursor", page.pageInfo().startCursor());
        info.put("endCursor", page.pageInfo().endCursor());
        json.put("pageInfo", info);
        return json;
    }

    static Map<String, Object> participant(Participant p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", text(p.id()));
        json.put("type", text(p.type()));
        json.put("userId", p.userId());
        json.put("organizationId", p.organizationId());
        json.put("joinedAt", instant(p.joinedAt()));
        json.put("leftAt", instant(p.leftAt()));
        return json;
    }

    static Map<String, Object> conversation(Conversation c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", text(c.id()));
        json.put("kind", text(c.kind()));
        json.put("ticketId", text(c.ticketId()));
        json.put("transactionId", c.transactionId());
        json.put("organizationId", c.organizationId());
        json.put("subject", c.subject());
        json.put("status", text(c.status()));
        json.put("createdAt", instant(c.createdAt()));
        json.put("participants", c.participants().stream().map(RestJson::participant).toList());
        return json;
    }

    static Map<String, Object> conversationView(ConversationView v) {
        Map<String, Object> json = conversation(v.conversation());
        json.put("messageCount", v.messageCount());
        json.put("unreadCount", v.unreadCount());
        json.put("lastMessage", v.lastMessage() == null ? null : message(v.lastMessage()));
        return json;
    }

    static Map<String, Object> message(ParticipantMessage pm) {
        Message m = pm.message();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", text(m.id()));
        json.put("conversationId", text(m.conversationId()));
        json.put("sequence", m.sequence());
        json.put("message", m.body());
        json.put("sentByType", text(m.sentByType()));
        json.put("senderId", text(m.senderId()));
        json.put("authorUserId", m.authorUserId());
        json.put("clientMessageId", m.clientMessageId());
        json.put("createdAt", instant(m.createdAt()));
        json.put("readAt", instant(m.readAt()));
        return json;
    }

    static Map<String, Object> ticket(TransactionTicket t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", text(t.id()));
        json.put("transactionId", t.transactionId());
        json.put("details", new TreeMap<>(t.details()));
        json.put("createdAt", instant(t.createdAt()));
        json.put("conversations", t.conversations().stream().map(RestJson::conversation).toList());
        return json;
    }

    static Map<String, Object> transactionChat(TransactionChat chat) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("created", chat.created());
        json.put("ticket", ticket(chat.ticket()));
        json.put("conversation", conversation(chat.conversation()));
        json.put("message", message(chat.message()));
        return json;
    }

    static Map<String, Object> readReceipt(ReadReceipt r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("conversationId", text(r.conversationId()));
        json.put("markedRead", r.markedRead());
        json.put("readAt", instant(r.readAt()));
        return json;
    }

    /** {@code {"errors":[{"field":…,"messages":[…]}]}}, renaming core field names to the request's. */
    static Map<String, Object> errors(List<FieldError> errors, Map<String, String> renames) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FieldError e : errors) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("field", renames.getOrDefault(e.field(), e.field()));
            json.put("messages", e.messages());
            list.add(json);
        }
        return Map.of("errors", list);
    }

    static Map<String, Object> error(String field, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("field", field);
        json.put("messages", List.of(message));
        return Map.of("errors", List.of(json));
    }
}
