package dev.txchat.core.internal;

import dev.txchat.core.Actor;
import dev.txchat.core.Audience;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.TicketId;
import dev.txchat.core.spi.ChatEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The change feed's stored form of a {@link ChatEvent} and an {@link Audience}: one JSON
 * object each, readable by any consumer (a Kafka topic relayed by Debezium carries exactly
 * this payload). Instants are ISO-8601 strings, ids canonical UUID strings, enums their
 * names. The acting user is kept as side, user and organization; its permissions are not.
 * The type is the event's simple class name ({@code MessagePosted}, …).
 */
public final class FeedCodec {
    private FeedCodec() {
    }

    /** The event's type name, as stored beside its payload. */
    public static String type(ChatEvent event) {
        return event.getClass().getSimpleName();
    }

    public static String encode(ChatEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (event instanceof ChatEvent.ConversationStarted e) {
            json.put("conversation", conversation(e.conversation()));
        } else if (event instanceof ChatEvent.MessagePosted e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("message", message(e.message().message()));
            json.put("sender", participant(e.message().sender()));
        } else if (event instanceof ChatEvent.MessagesRead e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("sentBy", e.sentBy().name());
            json.put("markedRead", (long) e.receipt().markedRead());
            json.put("readAt", instant(e.receipt().readAt()));
        } else if (event instanceof ChatEvent.ConversationDeleted e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("deletedAt", instant(e.deletedAt()));
        } else if (event instanceof ChatEvent.ParticipantAdded e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("participant", participant(e.participant()));
        } else if (event instanceof ChatEvent.ParticipantRemoved e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("participant", participant(e.participant()));
        } else if (event instanceof ChatEvent.MessageEdited e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("message", message(e.message().message()));
            json.put("sender", participant(e.message().sender()));
        } else if (event instanceof ChatEvent.MessageRedacted e) {
            json.put("conversationId", e.conversationId().toString());
            json.put("messageId", e.messageId().toString());
            json.put("redactedAt", instant(e.redactedAt()));
        } else {
            throw new IllegalArgumentException("unknown event " + event.getClass());
        }
        json.put("actor", actor(event.actor()));
        return Json.write(json);
    }

    @SuppressWarnings("unchecked")
    public static ChatEvent decode(String type, String payload) {
        Map<String, Object> json = (Map<String, Object>) Json.read(payload);
        Actor actor = actor((Map<String, Object>) json.get("actor"));
        return switch (type) {
            case "ConversationStarted" -> new ChatEvent.ConversationStarted(
                    conversation((Map<String, Object>) json.get("conversation")), actor);
            case "MessagePosted" -> new ChatEvent.MessagePosted(id(json, "conversationId"),
                    new ParticipantMessage(message((Map<String, Object>) json.get("message")),
                            participant((Map<String, Object>) json.get("sender"))), actor);
            case "MessagesRead" -> {
                ConversationId id = id(json, "conversationId");
                yield new ChatEvent.MessagesRead(id, ParticipantType.valueOf((String) json.get("sentBy")),
                        new ReadReceipt(id, ((Long) json.get("markedRead")).intValue(), instant(json, "readAt")), actor);
            }
            case "ConversationDeleted" -> new ChatEvent.ConversationDeleted(id(json, "conversationId"),
                    instant(json, "deletedAt"), actor);
            case "ParticipantAdded" -> new ChatEvent.ParticipantAdded(id(json, "conversationId"),
                    participant((Map<String, Object>) json.get("participant")), actor);
            case "ParticipantRemoved" -> new ChatEvent.ParticipantRemoved(id(json, "conversationId"),
                    participant((Map<String, Object>) json.get("participant")), actor);
            case "MessageEdited" -> new ChatEvent.MessageEdited(id(json, "conversationId"),
                    new ParticipantMessage(message((Map<String, Object>) json.get("message")),
                            participant((Map<String, Object>) json.get("sender"))), actor);
            case "MessageRedacted" -> new ChatEvent.MessageRedacted(id(json, "conversationId"),
                    MessageId.parse((String) json.get("messageId")), instant(json, "redactedAt"), actor);
            default -> throw new IllegalArgumentException("unknown feed event type " + type);
        };
    }

    /**
     * A whole feed entry as one JSON object (see {@code FeedEntry.toJson()}); for a business
     * {@code viewer} without the user id of an acting staff member, and without the staff
     * author of a message the operator wrote as the platform participant (account threads).
     */
    public static String entryJson(dev.txchat.core.FeedEntry entry, Actor viewer) {
        ChatEvent event = entry.event();
        boolean business = viewer != null && !viewer.isService();
        if (business && event instanceof ChatEvent.MessagePosted posted
                && posted.message().sender().type() == ParticipantType.SERVICE
                && posted.message().sender().userId() == null) {
            Message m = posted.message().message();
            event = new ChatEvent.MessagePosted(posted.conversationId(), new ParticipantMessage(new Message(m.id(),
                    m.conversationId(), m.sequence(), m.senderId(), m.sentByType(), null, m.body(), m.createdAt(),
                    m.readAt(), m.clientMessageId(), m.editedAt(), m.redactedAt()), posted.message().sender()),
                    posted.actor());
        }
        if (business && event instanceof ChatEvent.MessageEdited edited
                && edited.message().sender().type() == ParticipantType.SERVICE
                && edited.message().sender().userId() == null) {
            Message m = edited.message().message();
            event = new ChatEvent.MessageEdited(edited.conversationId(), new ParticipantMessage(new Message(m.id(),
                    m.conversationId(), m.sequence(), m.senderId(), m.sentByType(), null, m.body(), m.createdAt(),
                    m.readAt(), m.clientMessageId(), m.editedAt(), m.redactedAt()), edited.message().sender()),
                    edited.actor());
        }
        String eventJson = encode(event);
        if (business && event.actor().isService()) {
            // which staff member acted stays with staff; the viewer sees the operator side
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) Json.read(eventJson);
            @SuppressWarnings("unchecked")
            Map<String, Object> actor = (Map<String, Object>) fields.get("actor");
            actor.put("userId", null);
            eventJson = Json.write(fields);
        }
        StringBuilder out = new StringBuilder(512);
        out.append("{\"position\":");
        Json.write(out, entry.position().toString());
        out.append(",\"type\":");
        Json.write(out, type(event));
        out.append(",\"conversationId\":");
        Json.write(out, event.conversationId().toString());
        out.append(",\"committedAt\":");
        Json.write(out, entry.committedAt().toString());
        out.append(",\"event\":").append(eventJson);
        out.append(",\"audience\":").append(encode(entry.audience()));
        return out.append('}').toString();
    }

    public static String encode(Audience audience) {
        List<Object> members = new ArrayList<>();
        for (ParticipantRef m : audience.members()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("userId", m.userId());
            member.put("organizationId", m.organizationId());
            members.add(member);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("staff", audience.staff());
        json.put("members", members);
        return Json.write(json);
    }

    @SuppressWarnings("unchecked")
    public static Audience decodeAudience(String text) {
        Map<String, Object> json = (Map<String, Object>) Json.read(text);
        Set<ParticipantRef> members = new HashSet<>();
        for (Object o : (List<Object>) json.get("members")) {
            Map<String, Object> m = (Map<String, Object>) o;
            members.add(new ParticipantRef(ParticipantType.BUSINESS, (String) m.get("userId"),
                    (String) m.get("organizationId")));
        }
        return new Audience(members, Boolean.TRUE.equals(json.get("staff")));
    }

    // ---- parts ------------------------------------------------------------------------------------

    private static Map<String, Object> actor(Actor actor) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", actor.type().name());
        json.put("userId", actor.userId());
        json.put("organizationId", actor.organizationId());
        return json;
    }

    private static Actor actor(Map<String, Object> json) {
        return new Actor(ParticipantType.valueOf((String) json.get("type")), (String) json.get("userId"),
                (String) json.get("organizationId"), Set.of());
    }

    private static Map<String, Object> conversation(Conversation c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id().toString());
        json.put("kind", c.kind().name());
        json.put("ticketId", c.ticketId() == null ? null : c.ticketId().toString());
        json.put("transactionId", c.transactionId());
        json.put("organizationId", c.organizationId());
        json.put("subject", c.subject());
        json.put("status", c.status().name());
        json.put("createdAt", instant(c.createdAt()));
        List<Object> participants = new ArrayList<>();
        c.participants().forEach(p -> participants.add(participant(p)));
        json.put("participants", participants);
        return json;
    }

    @SuppressWarnings("unchecked")
    private static Conversation conversation(Map<String, Object> json) {
        List<Participant> participants = new ArrayList<>();
        for (Object p : (List<Object>) json.get("participants")) {
            participants.add(participant((Map<String, Object>) p));
        }
        String ticket = (String) json.get("ticketId");
        return new Conversation(id(json, "id"), ConversationKind.valueOf((String) json.get("kind")),
                ticket == null ? null : TicketId.parse(ticket), (String) json.get("transactionId"),
                (String) json.get("organizationId"), (String) json.get("subject"),
                ConversationStatus.valueOf((String) json.get("status")), instant(json, "createdAt"), participants);
    }

    /** A participant as the feed and the export write it. */
    static Map<String, Object> participant(Participant p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.id().toString());
        json.put("type", p.type().name());
        json.put("userId", p.userId());
        json.put("organizationId", p.organizationId());
        json.put("joinedAt", instant(p.joinedAt()));
        json.put("leftAt", instant(p.leftAt()));
        return json;
    }

    private static Participant participant(Map<String, Object> json) {
        return new Participant(ParticipantId.parse((String) json.get("id")),
                ParticipantType.valueOf((String) json.get("type")), (String) json.get("userId"),
                (String) json.get("organizationId"), instant(json, "joinedAt"), instant(json, "leftAt"));
    }

    private static Map<String, Object> message(Message m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", m.id().toString());
        json.put("conversationId", m.conversationId().toString());
        json.put("sequence", m.sequence());
        json.put("senderId", m.senderId().toString());
        json.put("sentByType", m.sentByType().name());
        json.put("authorUserId", m.authorUserId());
        json.put("body", m.body());
        json.put("createdAt", instant(m.createdAt()));
        json.put("readAt", instant(m.readAt()));
        json.put("clientMessageId", m.clientMessageId());
        // only when set, so a posted message's payload keeps the shape it always had
        if (m.editedAt() != null) {
            json.put("editedAt", instant(m.editedAt()));
        }
        if (m.redactedAt() != null) {
            json.put("redactedAt", instant(m.redactedAt()));
        }
        return json;
    }

    private static Message message(Map<String, Object> json) {
        return new Message(MessageId.parse((String) json.get("id")), id(json, "conversationId"),
                (Long) json.get("sequence"), ParticipantId.parse((String) json.get("senderId")),
                ParticipantType.valueOf((String) json.get("sentByType")), (String) json.get("authorUserId"),
                (String) json.get("body"), instant(json, "createdAt"), instant(json, "readAt"),
                (String) json.get("clientMessageId"), instant(json, "editedAt"), instant(json, "redactedAt"));
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(Map<String, Object> json, String key) {
        String value = (String) json.get(key);
        return value == null ? null : Instant.parse(value);
    }

    private static ConversationId id(Map<String, Object> json, String key) {
        return ConversationId.parse((String) json.get(key));
    }
}
