package dev.txchat.core.spi;

import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations available inside one {@link ChatStore#inTransaction unit of work}. Used
 * by one thread, and only until the work returns.
 *
 * <p>Every "find or create" here must hold under concurrency from many threads and many
 * processes: a race on a unique key resolves to the row that won, returned with
 * {@code created == false}, never to an error and never to a duplicate.
 */
public interface ChatStoreTransaction {

    // ---- tickets ------------------------------------------------------------------------------

    /**
     * The ticket of {@code transactionId}, inserting it with {@code id}, {@code details}
     * and {@code createdAt} if there is none. The returned ticket has no conversations.
     */
    Stored<TransactionTicket> findOrCreateTicket(TicketId id, String transactionId, Map<String, String> details,
                                                 Instant createdAt);

    /**
     * The ticket of {@code transactionId} with all its conversations (deleted ones
     * included, each with its participants), oldest first; empty if there is none.
     */
    Optional<TransactionTicket> findTicket(String transactionId);

    // ---- conversations ------------------------------------------------------------------------

    /**
     * Inserts {@code conversation} with its participants, unless its live key is already
     * held by a live conversation, which is then returned unchanged with
     * {@code created == false}. Counters start at zero and {@code lastActivityAt} at the
     * creation time.
     */
    Stored<StoredConversation> createConversation(NewConversation conversation);

    /** The conversation, deleted or not; empty if it does not exist. */
    Optional<StoredConversation> findConversation(ConversationId id);

    /**
     * As {@link #findConversation}, but also locks the conversation row until the unit of
     * work ends, so that concurrent writers to the same conversation are serialized. The
     * result's {@link StoredConversation#lastMessage() lastMessage} is null: writers never
     * need it, and reading it would make every write read the message table.
     */
    Optional<StoredConversation> lockConversation(ConversationId id);

    /** The live conversation holding {@code liveKey}, if any. */
    Optional<StoredConversation> findLiveConversation(String liveKey);

    /**
     * The live conversation holding {@code liveKey}, locked as by {@link #lockConversation};
     * empty if there is none, including when it was deleted while this call waited for its
     * lock. The default looks it up, then locks it and re-checks it; a store that can lock by
     * key in one step should.
     */
    default Optional<StoredConversation> lockLiveConversation(String liveKey) {
        Optional<StoredConversation> found = findLiveConversation(liveKey);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        return lockConversation(found.get().conversation().id()).filter(c -> !c.conversation().isDeleted());
    }

    /**
     * Marks the conversation DELETED and frees its live key. Returns false if it was
     * already deleted or does not exist.
     */
    boolean markDeleted(ConversationId id, Instant deletedAt);

    /**
     * Up to {@code limit} conversations matching {@code query}, in traversal order:
     * forward walks {@link ConversationKey#LIST_ORDER list order} starting strictly after
     * {@code bound}; backward walks it in reverse starting strictly before {@code bound}.
     * A null bound starts at the beginning (forward) or end (backward) of the list.
     * Each element carries its participants and last message, loaded without one query per
     * conversation.
     */
    List<StoredConversation> listConversations(ConversationQuery query, ConversationKey bound, boolean forward,
                                               int limit);

    /** How many conversations match {@code query}. */
    long countConversations(ConversationQuery query);

    // ---- participants -------------------------------------------------------------------------

    /**
     * Adds a participant with {@code id} to the conversation, unless an active participant
     * with the same type, user id and organization id exists, which is then returned with
     * {@code created == false}. Must hold when called concurrently for the same
     * participant.
     */
    Stored<Participant> addParticipant(ConversationId conversationId, ParticipantId id,
                                       ParticipantRef who, Instant joinedAt);

    /**
     * Sets {@code leftAt} on an active participant. Returns the updated participant, or
     * empty if there is no such active participant in that conversation.
     */
    Optional<Participant> removeParticipant(ConversationId conversationId, ParticipantId participantId,
                                            Instant leftAt);

    // ---- messages -----------------------------------------------------------------------------

    /**
     * Appends a message. If {@code message.clientMessageId()} is not null and a message with
     * that client id exists in the conversation, returns that one with
     * {@code created == false} and changes nothing. Otherwise allocates the next sequence
     * (the conversation's message count plus one, without gaps under concurrency), stores
     * the message, and on the conversation row increments the message count and the unread
     * counter of the sender's side and sets {@code lastActivityAt} to the message time if
     * that is later (a node whose clock lags never moves a conversation's activity back).
     *
     * @throws IllegalStateException if the conversation does not exist
     */
    Stored<Message> appendMessage(NewStoredMessage message);

    /**
     * Up to {@code limit} messages of the conversation in traversal order: forward by
     * ascending sequence, strictly above {@code boundSequence}; backward by descending
     * sequence, strictly below it. A null bound starts at the first (forward) or last
     * (backward) message. Costs O(limit), whatever the conversation's size.
     */
    List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward, int limit);

    /**
     * Sets {@code readAt} on every unread message of the conversation sent by
     * {@code sentBy}, lowers that side's unread counter accordingly, and returns how many
     * messages it marked.
     */
    int markRead(ConversationId conversationId, ParticipantType sentBy, Instant readAt);

    // ---- configuration kept in the database ---------------------------------------------------

    /**
     * The secret stored under {@code name}, storing {@code candidate} first if there is none.
     * Concurrent callers (on any node) with different candidates all get the one that was
     * stored first. Used for the key that signs page cursors, so that every node accepts
     * every node's cursors.
     *
     * @param name      what the secret is for, at most 64 ASCII characters
     * @param candidate the secret to store if none is stored yet
     * @return the stored secret
     */
    byte[] findOrCreateSecret(String name, byte[] candidate);

    // ---- commit --------------------------------------------------------------------------------

    /**
     * If this unit of work joined a transaction that its caller commits later (for example a
     * host's own JDBI transaction), registers {@code action} to run right after that commit,
     * never if it rolls back, and returns true. Otherwise returns false and does nothing: the
     * unit of work commits when {@link ChatStore#inTransaction} returns, and the caller runs
     * its after-commit work then. The core uses this so that listeners never hear about work
     * a host rolled back.
     *
     * @param action what to run after the outer commit
     * @return whether the action was registered
     */
    default boolean runAfterOuterCommit(Runnable action) {
        return false;
    }

    // ---- change feed -----------------------------------------------------------------------------

    /**
     * Appends entries to the change feed, in this unit of work: they exist only if it
     * commits. Called while the unit of work holds the lock of the entries' conversation, so
     * the store keeps each conversation's entries in the order they were appended by
     * allocating an increasing insertion number here. The entries have no position yet.
     *
     * @param records the entries, in order; their {@code position} is ignored
     */
    void appendToFeed(java.util.List<FeedRecord> records);

    /**
     * Gives feed positions to committed entries that have none, in insertion order,
     * continuing after the highest position given so far: at most {@code max}. Runs
     * serialized with every other call of this method (a lock), so positions are given in
     * one order, once, and a reader of positions never sees a gap fill in later.
     *
     * @return how many entries were given a position
     */
    int sequenceFeed(int max);

    /** The highest feed position given so far, 0 if none. */
    long feedHead();

    /** Up to {@code max} sequenced entries with a position above {@code after}, by position. */
    java.util.List<FeedRecord> readFeed(long after, int max);

    /**
     * Takes or renews the lease of the subscription {@code name} for {@code owner}, creating
     * the subscription at the feed's head if it does not exist. The lease is taken when no
     * one holds it, when {@code owner} does, or when the holder's lease ended before
     * {@code now}.
     *
     * @return the subscription's checkpoint if {@code owner} holds the lease until
     *         {@code leaseUntil}, or -1 if another owner holds it
     */
    long leaseSubscription(String name, String owner, Instant now, Instant leaseUntil);

    /**
     * Moves the checkpoint of {@code name} forward to {@code position} and renews the lease,
     * if {@code owner} still holds it.
     *
     * @return false if {@code owner} no longer holds the lease (nothing changed)
     */
    boolean advanceSubscription(String name, String owner, long position, Instant leaseUntil);

    /** Gives the lease of {@code name} up, if {@code owner} holds it. */
    void releaseSubscription(String name, String owner);

    /**
     * Removes up to {@code max} sequenced entries committed before {@code committedBefore}
     * that every subscription's checkpoint has passed.
     *
     * @return how many were removed
     */
    int pruneFeed(Instant committedBefore, int max);
}
