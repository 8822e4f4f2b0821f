package dev.txchat.core;

import java.util.List;
import java.util.Objects;

/**
 * One page of a list. Immutable.
 *
 * @param nodes      the items, in list order (messages oldest first, conversations newest activity first)
 * @param totalCount how many items the whole list holds
 * @param pageInfo   cursors and neighbours of this page
 * @param <T>        item type
 */
public record Page<T>(List<T> nodes, long totalCount, PageInfo pageInfo) {
    public Page {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(pageInfo, "pageInfo");
    }
}
