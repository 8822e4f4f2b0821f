package dev.txchat.core.spi;

/**
 * The permissions {@link AccessPolicy#permissionBased()} requires of staff actors. Each
 * constant's value equals its name, so hosts can store them as plain strings.
 */
public final class ChatPermissions {
    /** Open a transaction chat or start a direct chat. */
    public static final String SYSTEM_BROADCAST_CREATION_EXECUTOR = "SYSTEM_BROADCAST_CREATION_EXECUTOR";
    /** List and read conversations, tickets and account threads. */
    public static final String CONVERSATION_VIEWER = "CONVERSATION_VIEWER";
    /** Post messages and mark them read. */
    public static final String CONVERSATION_MESSAGE_CREATION_EXECUTOR = "CONVERSATION_MESSAGE_CREATION_EXECUTOR";
    /** Delete conversations. */
    public static final String CONVERSATION_DELETION_EXECUTOR = "CONVERSATION_DELETION_EXECUTOR";
    /** Add and remove participants. */
    public static final String CONVERSATION_PARTICIPANT_MANAGER = "CONVERSATION_PARTICIPANT_MANAGER";
    /** Read a message's every version, verify a conversation's audit chain, export a conversation (regulated mode). */
    public static final String CONVERSATION_AUDITOR = "CONVERSATION_AUDITOR";
    /** Place and release legal holds, purge expired records, restrict a user's processing (regulated mode). */
    public static final String CONVERSATION_RETENTION_MANAGER = "CONVERSATION_RETENTION_MANAGER";

    private ChatPermissions() {
    }
}
