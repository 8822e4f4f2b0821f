package dev.txchat.core;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link ChatFeed#read} returned. Immutable.
 *
 * @param entries the entries, in feed order; empty when there is nothing new
 * @param next    where the next read continues: the last entry's position, or the position
 *                read after when there was none
 */
public record FeedBatch(List<FeedEntry> entries, FeedPosition next) {
    public FeedBatch {
        entries = List.copyOf(entries);
        Objects.requireNonNull(next, "next");
    }
}
