package dev.txchat.core;

/**
 * The named conversation, participant, ticket or transaction does not exist, or exists
 * but is not visible to the calling actor. The two cases are deliberately
 * indistinguishable so that a business user cannot infer that another user's chat exists.
 */
public final class NotFoundException extends ChatException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
