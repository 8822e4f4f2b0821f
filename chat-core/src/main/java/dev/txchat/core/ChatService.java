package dev.txchat.core;

/**
 * The one facade a host calls. Build it once with {@link #builder()} and share it: it is
 * thread-safe and holds no per-call state.
 *
 * <p>Every call takes the {@link Actor} the host authenticated. Staff actors need the
 * permission {@link dev.txchat.core.spi.AccessPolicy} requires for the call (see
 * {@link dev.txchat.core.spi.ChatPermissions}); business actors may only view, post and
 * mark read, and only inside conversations they participate in. A conversation a
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
