package dev.txchat.core;

/**
 * The one facade a host calls. Build it once with {@link #builder()} and share it: it is
 * thread-safe and holds no per-call state.
 *
 * <p>Every call takes the {@link Actor} the host authenticated. Staff actors need the
 * permission {@link dev.txchat.core.spi.AccessPolicy} requires for the call (see
 * {@link dev.txchat.core.spi.ChatPermissions}); business actors may only view, post, mark
 * read, and edit or redact their own messages, and only inside conversations they participate in. A conversation a
 * business actor is not in is reported as {@link NotFoundException}, exactly as one that
 * does not exist.
 *
 * <p>Each call is one unit of work in the store: it either completes or leaves nothing
 * behind. Listeners hear about it after it committed.
 *
 * <p>Failures: {@link ValidationException} (bad input, naming the field),
 * {@link AccessDeniedException}, {@link NotFoundException}, {@link ConflictException};
 * all extend {@link ChatException}.
 *
 * <p>Close the service when the host shuts down: {@link #close()} delivers the events
 * already committed and stops the delivery thread. The store and its database are the
 * host's and stay open.
 */
public interface ChatService extends AutoCloseable {

    /** A builder for a service; {@link ChatServiceBuilder#store store} is required. */
    static ChatServiceBuilder builder() {
        return ChatServiceBuilder.create();
    }

    /**
     * Starts a general conversation between the calling staff user and a business user or
     * account, optionally with a first message.
     */
    Conversation startConversation(Actor actor, StartConversation request);

    /**
     * Opens the chat about a transaction with one of its business users and posts a
     * message. There is one live chat per (transaction, business user): opening it again,
     * even concurrently, appends to the same conversation ({@code created == false}).
     *
     * @throws NotFoundException   if the transaction directory does not know the transaction
     * @throws ValidationException on {@code businessUser} if the user's wallet is not part of it
     */
    TransactionChat openTransactionChat(Actor actor, OpenTransactionChat request);

    /**
     * The one continuous thread between the platform and the business account
     * {@code organizationId}, created on first use. Staff need the viewer permission;
     * business users only reach their own organization's thread.
     */
    Conversation accountThread(Actor actor, String organizationId);

    /** One conversation with its counters as seen by the actor. */
    ConversationView getConversation(Actor actor, ConversationId id);

    /** Conversations the actor may see that match {@code filter}, newest activity first. */
    Page<ConversationView> listConversations(Actor actor, ConversationFilter filter, PageRequest page);

    /** Soft-deletes a conversation: business users no longer see it; messages are kept. Idempotent. */
    void deleteConversation(Actor actor, ConversationId id);

    /** Adds a participant, or returns the active one it names. Not for account threads. */
    Participant addParticipant(Actor actor, ConversationId id, ParticipantRef who);

    /** Removes an active participant; it keeps its messages but no longer sees the conversation. */
    void removeParticipant(Actor actor, ConversationId id, ParticipantId participant);

    /**
     * Posts a message. A repeated {@code clientMessageId} in the same conversation returns
     * the first message and stores nothing. Staff posting into a transaction or direct chat
     * become its participants; in an account thread everyone writes as their side's one
     * participant and is recorded as the {@code authorUserId}.
     */
    ParticipantMessage postMessage(Actor actor, ConversationId id, NewMessage message);

    /** Messages of a conversation, oldest first within a page. */
    Page<ParticipantMessage> listMessages(Actor actor, ConversationId id, PageRequest page);

    /**
     * Marks read the unread messages sent by {@code sentBy}, unless that is the actor's own
     * side (then nothing is marked), and returns how many were marked.
     */
    ReadReceipt markRead(Actor actor, ConversationId id, ParticipantType sentBy);

    // ---- edits, redactions and regulated mode (see CompliancePolicy) ---------------------------

    /**
     * Replaces the text of the actor's own message, within the policy's
     * {@link CompliancePolicy#editWindow() edit window} after it was posted. The content
     * policy applies as to a post (card numbers masked). The message keeps its sequence, read
     * state and place; {@link Message#editedAt()} is set, and the text it replaced is kept
     * as a version ({@link #messageHistory}).
     *
     * @return the message as it now reads
     * @throws AccessDeniedException if the actor is not its author
     * @throws ConflictException     if the edit window has passed, the message is redacted, or the conversation is deleted
     * @throws ValidationException   on {@code body}, as for a post
     */
    ParticipantMessage editMessage(Actor actor, ConversationId id, MessageId messageId, String body);

    /**
     * Turns a message into a tombstone participants see (empty body, {@link Message#redactedAt()}).
     * A business user may redact its own messages; staff with
     * {@code CONVERSATION_DELETION_EXECUTOR} may redact any message (their own need it too, so
     * that a refusal never depends on what the conversation holds). Outside regulated mode the text and its versions are erased from storage;
     * in regulated mode they are kept for the record and only {@link #messageHistory} and
     * {@link #exportConversation} show them. Redacting a redacted message changes nothing.
     *
     * @param reason why, at most 1000 characters; recorded in the audit chain (regulated mode)
     * @return the tombstone
     */
    ParticipantMessage redactMessage(Actor actor, ConversationId id, MessageId messageId, String reason);

    /**
     * Every version of a message, oldest first: the posted text, each edit, and whether it is
     * current (no version is current once the message is redacted). Staff with
     * {@code CONVERSATION_AUDITOR} only.
     */
    java.util.List<MessageVersion> messageHistory(Actor actor, ConversationId id, MessageId messageId);

    /**
     * Recomputes the conversation's audit chain (regulated mode) and compares every stored
     * message text and version with the entry that recorded it. Staff with
     * {@code CONVERSATION_AUDITOR} only. Reads in keyset pages: constant memory.
     *
     * @return the result, naming the first entry that does not match
     */
    AuditVerification verifyAudit(Actor actor, ConversationId id);

    /**
     * Places a legal hold on a conversation (regulated mode): until it is released nothing of
     * it is removed by any call. Staff with {@code CONVERSATION_RETENTION_MANAGER} only.
     *
     * @throws ConflictException if a hold is already active
     */
    void placeLegalHold(Actor actor, ConversationId id, String reason);

    /**
     * Releases a conversation's legal hold (regulated mode). Staff with
     * {@code CONVERSATION_RETENTION_MANAGER} only.
     *
     * @throws ConflictException if there is no active hold
     */
    void releaseLegalHold(Actor actor, ConversationId id, String reason);

    /**
     * Removes messages older than the policy's maximum retention from conversations without a
     * legal hold, with the audit entries older than it (each purged chain keeps a checkpoint
     * entry, so it still verifies), and pseudonymises users whose processing was restricted
     * longer ago than the maximum retention. Works in bounded batches: call it again while
     * {@link PurgeResult#more()}. Does nothing without a maximum retention. Staff with
     * {@code CONVERSATION_RETENTION_MANAGER} only (regulated mode).
     */
    PurgeResult purgeExpired(Actor actor);

    /**
     * Writes the whole record of a conversation to {@code out} as one JSON document: ticket and
     * transaction details, participants, every message with every version, tombstones and
     * read times, the audit chain and the result of verifying it. Streams in keyset pages:
     * memory stays constant whatever the conversation's size. Staff with
     * {@code CONVERSATION_AUDITOR} only. {@code out} is flushed, not closed.
     *
     * @throws java.io.UncheckedIOException if writing to {@code out} fails
     */
    void exportConversation(Actor actor, ConversationId id, java.io.OutputStream out);

    /**
     * Restricts the processing of a user's data (GDPR Art. 18, regulated mode): normal reads
     * ({@link #listMessages}, conversation views) no longer show what the user wrote, while
     * export and the audit chain keep it; once the maximum retention has passed since the
     * restriction, {@link #purgeExpired} pseudonymises the user. Idempotent. Staff with
     * {@code CONVERSATION_RETENTION_MANAGER} only.
     */
    void restrictProcessing(Actor actor, String userId);

    /** The ticket of a transaction with the conversations the actor may see. */
    TransactionTicket ticket(Actor actor, String transactionId);

    /**
     * The durable change feed: every committed change, readable by every node, with
     * durable subscriptions. See {@link ChatFeed}.
     */
    ChatFeed feed();

    /**
     * Stops the service: stops this node's feed subscriptions, then waits (at most 10 seconds) until the listeners have heard every
     * event of calls that already returned, then stops the delivery thread. Calls made
     * after {@code close()} throw {@link IllegalStateException}. Idempotent; does not close
     * the store or its {@code DataSource}.
     */
    @Override
    void close();
}
