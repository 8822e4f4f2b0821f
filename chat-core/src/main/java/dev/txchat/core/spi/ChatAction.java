package dev.txchat.core.spi;

/**
 * What an actor is trying to do, as asked of the {@link AccessPolicy}. Each action names
 * the permission {@link AccessPolicy#permissionBased()} requires of staff for it.
 */
public enum ChatAction {
    /** {@code openTransactionChat}. */
    OPEN_TRANSACTION_CHAT(ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR),
    /** {@code startConversation}. */
    START_CONVERSATION(ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR),
    /** {@code getConversation}, {@code listConversations}, {@code listMessages}, {@code ticket}, {@code accountThread}. */
    VIEW(ChatPermissions.CONVERSATION_VIEWER),
    /** {@code postMessage}. */
    POST_MESSAGE(ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR),
    /** {@code markRead}. */
    MARK_READ(ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR),
    /** {@code deleteConversation}. */
    DELETE_CONVERSATION(ChatPermissions.CONVERSATION_DELETION_EXECUTOR),
    /** {@code addParticipant}, {@code removeParticipant}. */
    MANAGE_PARTICIPANTS(ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER),
    /** {@code editMessage}: only ever of the actor's own message. */
    EDIT_MESSAGE(ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR),
    /** {@code redactMessage} by a business user, of its own message. */
    REDACT_OWN_MESSAGE(ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR),
    /** {@code redactMessage} by staff, of any message (their own included). */
    REDACT_ANY_MESSAGE(ChatPermissions.CONVERSATION_DELETION_EXECUTOR),
    /** {@code messageHistory}, {@code verifyAudit}, {@code exportConversation}: staff only. */
    AUDIT(ChatPermissions.CONVERSATION_AUDITOR),
    /** {@code placeLegalHold}, {@code releaseLegalHold}, {@code purgeExpired}, {@code restrictProcessing}: staff only. */
    MANAGE_RETENTION(ChatPermissions.CONVERSATION_RETENTION_MANAGER);

    private final String requiredPermission;

    ChatAction(String requiredPermission) {
        this.requiredPermission = requiredPermission;
    }

    /** The permission a staff actor needs under {@link AccessPolicy#permissionBased()}. */
    public String requiredPermission() {
        return requiredPermission;
    }

    /** Whether business actors may ever perform this action (inside their own conversations). */
    public boolean openToBusiness() {
        return this == VIEW || this == POST_MESSAGE || this == MARK_READ || this == EDIT_MESSAGE
                || this == REDACT_OWN_MESSAGE;
    }
}
