package dev.txchat.core;

import dev.txchat.core.spi.ChatEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * One committed change in the {@link ChatFeed}. Immutable.
 *
 * @param position    where it is in the feed; entries are delivered in position order
 * @param event       what happened, as the in-process listeners heard it
 * @param audience    who may see it
 * @param committedAt when the unit of work that wrote it ran (the writing node's clock)
 */
public record FeedEntry(FeedPosition position, ChatEvent event, Audience audience, Instant committedAt) {
    public FeedEntry {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(committedAt, "committedAt");
    }

    /**
     * The entry as one JSON object, for relays and web clients:
     * {@code {"position":"f12","type":"MessagePosted","conversationId":…,"committedAt":…,
     * "event":{…},"audience":{"staff":true,"members":[{"userId":…,"organizationId":…}]}}}.
     * {@code event} is the same JSON the feed table's {@code payload} column holds.
     */
    public String toJson() {
        return dev.txchat.core.internal.FeedCodec.entryJson(this, null);
    }

    /**
     * The entry as {@code viewer} may see it, as JSON: what to push to a connected user. For a
     * business viewer an acting staff member's user id is null and, when the operator wrote as the
     * platform (account threads), so is the staff member's {@code authorUserId} — as
     * {@link ChatService} shows that viewer. Check {@link Audience#admits(Actor)} first.
     */
    public String toJson(Actor viewer) {
        return dev.txchat.core.internal.FeedCodec.entryJson(this, java.util.Objects.requireNonNull(viewer, "viewer"));
    }
}
