package dev.txchat.spring.web.stream;

import dev.txchat.core.Actor;
import dev.txchat.core.FeedEntry;

/**
 * The {@code data} of one stream event: the entry as the viewer may see it, which is
 * {@link FeedEntry#toJson(Actor)} — one rule for every feed consumer: a business viewer meets
 * the operator side as one persona (no staff user ids), as {@code ChatService} shows it.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
final class StreamJson {

    private StreamJson() {
    }

    /** The JSON {@code viewer} receives for {@code entry}. */
    static String forViewer(FeedEntry entry, Actor viewer) {
        return viewer.isService() ? entry.toJson() : entry.toJson(viewer);
    }
}
