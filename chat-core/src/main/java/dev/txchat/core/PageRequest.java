package dev.txchat.core;

/**
 * A cursor page request, in the style of GraphQL connections: the first {@code n} items
 * after a cursor, or the last {@code n} before one. Sizes must be 1..{@value #MAX_SIZE}
 * (field {@code first} or {@code last}); cursors must come from a {@link PageInfo} of the
 * same list (field {@code after} or {@code before}). Both are checked when the request is
 * used, so a bad request fails with a {@link ValidationException}, never silently.
 *
 * <p>Immutable.
 *
 * @param size    how many items
 * @param cursor  the cursor to page from, or null for the start (forward) or end (backward)
 * @param forward true for {@code first/after}, false for {@code last/before}
 */
public record PageRequest(int size, String cursor, boolean forward) {

    /** The largest page. */
    public static final int MAX_SIZE = 100;
    /** A page size that suits a chat window. */
    public static final int DEFAULT_SIZE = 50;

    /** The first {@code n} items. */
    public static PageRequest first(int n) {
        return new PageRequest(n, null, true);
    }

    /** The first {@code n} items after {@code after} (null: from the start). */
    public static PageRequest first(int n, String after) {
        return new PageRequest(n, after, true);
    }

    /** The last {@code n} items. */
    public static PageRequest last(int n) {
        return new PageRequest(n, null, false);
    }

    /** The last {@code n} items before {@code before} (null: up to the end). */
    public static PageRequest last(int n, String before) {
        return new PageRequest(n, before, false);
    }

    /** The name of the size field as the caller wrote it: {@code first} or {@code last}. */
    public String sizeField() {
        return forward ? "first" : "last";
    }

    /** The name of the cursor field as the caller wrote it: {@code after} or {@code before}. */
    public String cursorField() {
        return forward ? "after" : "before";
    }
}
