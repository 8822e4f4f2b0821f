package dev.txchat.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The input is invalid. {@link #errors()} names every offending field, so a host can map
 * it straight onto its own API's error format ({@code field}, {@code messages}).
 * Nothing was written when this is thrown.
 */
public final class ValidationException extends ChatException {
    private static final long serialVersionUID = 1L;

    private final List<FieldError> errors;

    public ValidationException(List<FieldError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    /** A validation failure of one field with one message. */
    public static ValidationException of(String field, String message) {
        return new ValidationException(List.of(FieldError.of(field, message)));
    }

    /** Every offending field, in the order it was found. Never empty. */
    public List<FieldError> errors() {
        return errors;
    }

    /** Whether {@code field} is among the offending fields. */
    public boolean hasErrorOn(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    private static String describe(List<FieldError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a validation exception needs at least one field error");
        }
        return errors.stream()
                .map(e -> e.field() + ": " + String.join("; ", e.messages()))
                .collect(Collectors.joining(", ", "invalid input: ", ""));
    }
}
