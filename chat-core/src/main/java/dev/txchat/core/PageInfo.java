package dev.txchat.core;

/**
 * Where a page sits in its list. Cursors are opaque strings; pass {@code endCursor} to
 * {@link PageRequest#first(int, String)} for the next page and {@code startCursor} to
 * {@link PageRequest#last(int, String)} for the previous one. Immutable.
 *
 * @param hasNextPage     whether items follow this page
 * @param hasPreviousPage whether items precede this page
 * @param startCursor     cursor of the first item, or null for an empty page
 * @param endCursor       cursor of the last item, or null for an empty page
 */
public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {
}
