package dev.txchat.core.spi;

import java.util.Objects;

/**
 * Result of a find-or-create in a {@link ChatStoreTransaction}: the row, and whether this
 * call created it (false: it existed already, possibly created concurrently).
 *
 * @param value   the stored value
 * @param created whether this call inserted it
 * @param <T>     value type
 */
public record Stored<T>(T value, boolean created) {
    public Stored {
        Objects.requireNonNull(value, "value");
    }

    public static <T> Stored<T> created(T value) {
        return new Stored<>(value, true);
    }

    public static <T> Stored<T> existing(T value) {
        return new Stored<>(value, false);
    }
}
