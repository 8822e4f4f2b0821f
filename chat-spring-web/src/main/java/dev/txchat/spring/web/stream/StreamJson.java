package dev.txchat.spring.web.stream;

import dev.txchat.core.Actor;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ChatEvent;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code data} of one stream event: {@link FeedEntry#toJson()}, as the viewer may see it.
 *
 * <p>A staff viewer gets the entry unchanged. A business viewer meets the operator side as one
 * persona in account threads, as {@code ChatService} shows it: the {@code authorUserId} of a
 * staff message posted by the platform participant (which only account threads have) is
 * removed (null), and so is the user id of a staff actor on entries that may belong to an
 * account thread (messages posted as the platform, read receipts, deletions, account threads
 * started). Ticket {@code details} and {@code permissions}, which the feed does not carry
 * today, are removed wherever they appear, should a future feed format add them.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
final class StreamJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StreamJson() {
    }

    /** The JSON {@code viewer} receives for {@code entry}. */
    static String forViewer(FeedEntry entry, Actor viewer) {
        String json = entry.toJson();
        if (viewer.isService()) {
            return json;
        }
        ObjectNode root = (ObjectNode) JSON.readTree(json);
        ChatEvent event = entry.event();
        boolean platformMessage = event instanceof ChatEvent.MessagePosted posted
                && posted.message().sender().type() == ParticipantType.SERVICE
                && posted.message().sender().userId() == null;
        boolean mayBeAccountThread = platformMessage
                || event instanceof ChatEvent.MessagesRead
                || event instanceof ChatEvent.ConversationDeleted
                || (event instanceof ChatEvent.ConversationStarted started
                        && started.conversation().kind() == dev.txchat.core.ConversationKind.ACCOUNT);
        JsonNode eventNode = root.get("event");
        if (eventNode instanceof ObjectNode e) {
            if (platformMessage && e.get("message") instanceof ObjectNode message) {
                message.putNull("authorUserId");
            }
            if (mayBeAccountThread && e.get("actor") instanceof ObjectNode actor
                    && "SERVICE".equals(text(actor.get("type")))) {
                actor.putNull("userId");
            }
        }
        strip(root);
        return JSON.writeValueAsString(root);
    }

    private static String text(JsonNode node) {
        return node == null || !node.isString() ? null : node.asString();
    }

    /** Removes {@code details} and {@code permissions} at any depth. */
    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("details");
            object.remove("permissions");
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                strip(it.next().getValue());
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode child : node) {
                strip(child);
            }
        }
    }
}
