package dev.txchat.core;

import java.util.List;
import java.util.Objects;

/**
 * What is wrong with one input field: its name as the caller knows it (for example
 * {@code "body"}, {@code "first"}, {@code "businessUser"}) and one or more human readable
 * messages. Immutable.
 *
 * @param field    the name of the offending argument or record component
 * @param messages what is wrong with it; never empty
 */
public record FieldError(String field, List<String> messages) {
    public FieldError {
        Objects.requireNonNull(field, "field");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a field error needs at least one message");
        }
    }

    /** A field error with a single message. */
    public static FieldError of(String field, String message) {
        return new FieldError(field, List.of(message));
    }
}
