package dev.txchat.core;

/**
 * The request is well formed and permitted but contradicts the current state, for
 * example posting into a deleted conversation or changing the fixed participants of an
 * account thread.
 */
public final class ConflictException extends ChatException {
    private static final long serialVersionUID = 1L;

    /** The field whose value conflicts, or null when the conflict is with the state as a whole. */
    private final String field;

    /** A conflict with the state as a whole (no single field is to blame). */
    public ConflictException(String message) {
        super(message);
        this.field = null;
    }

    /**
     * A conflict caused by the value of one field, for example a {@code clientMessageId}
     * another author already used.
     *
     * @param field   the field, as {@link FieldError#field()} names it
     * @param message what is wrong with it
     */
    public ConflictException(String field, String message) {
        super(field + ": " + message);
        this.field = java.util.Objects.requireNonNull(field, "field");
    }

    /** The conflicting field, or null when the conflict is not about one field. */
    public String field() {
        return field;
    }

    /** The conflicting field as a field error (for {@code errors{field messages}} payloads); empty when there is none. */
    public java.util.List<FieldError> errors() {
        return field == null ? java.util.List.of()
                : java.util.List.of(FieldError.of(field, getMessage().substring(field.length() + 2)));
    }
}
