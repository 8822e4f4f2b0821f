package dev.txchat.core;

/**
 * A place in the {@link ChatFeed}: entries are read strictly after a position. Opaque to
 * hosts, but stable: its {@link #toString()} can be saved (a checkpoint, an SSE
 * {@code Last-Event-ID}) and given back to {@link #parse(String)} on any node. Positions
 * of one feed are totally ordered ({@link Comparable}) in feed order. Immutable.
 */
public final class FeedPosition implements Comparable<FeedPosition> {

    /** Before the first entry: reading after it returns the feed from its (retained) beginning. */
    public static final FeedPosition START = new FeedPosition(0);

    private static final String PREFIX = "f";

    private final long value;

    private FeedPosition(long value) {
        this.value = value;
    }

    /**
     * The position a store assigned.
     *
     * @param value at least 0
     * @throws IllegalArgumentException if negative
     */
    public static FeedPosition of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("a feed position is not negative: " + value);
        }
        return value == 0 ? START : new FeedPosition(value);
    }

    /**
     * The position {@link #toString()} wrote.
     *
     * @throws ValidationException on {@code position} if {@code text} is not one
     */
    public static FeedPosition parse(String text) {
        if (text == null || !text.startsWith(PREFIX) || text.length() > 21 || text.length() < 2) {
            throw ValidationException.of("position", "is not a feed position");
        }
        for (int i = PREFIX.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw ValidationException.of("position", "is not a feed position");
            }
        }
        try {
            return of(Long.parseLong(text.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            throw ValidationException.of("position", "is not a feed position");
        }
    }

    /** The store's number for this position; for stores, not for hosts. */
    public long value() {
        return value;
    }

    @Override
    public int compareTo(FeedPosition other) {
        return Long.compare(value, other.value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeedPosition p && p.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    /** A text {@link #parse(String)} reads back, such as {@code f1234}. */
    @Override
    public String toString() {
        return PREFIX + value;
    }
}
