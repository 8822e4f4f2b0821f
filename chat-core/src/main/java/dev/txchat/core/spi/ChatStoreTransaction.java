package dev.txchat.core.spi;

import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    // ---- regulated mode: edits, redactions, audit chain, holds, retention, restriction --------
    //
    // A store that implements these answers true to ChatStore.supportsRegulatedMode(). The
    // defaults throw UnsupportedOperationException naming the store. The core calls them only
    // inside a unit of work that holds the conversation's lock (lockConversation or
    // lockConversationWithCompliance), except the reads marked "no lock needed". Each must
    // cost a bounded number of statements whatever the conversation's size; none may load a
    // conversation's messages to do its work.
    //
    // Every Message a store returns, from any method (listMessages, lastMessage, an existing
    // message from appendMessage, findMessage), carries its editedAt and redactedAt, and a
    // redacted message's body is the empty string.

    /**
     * As {@link #lockConversation}, and also fills {@link StoredConversation#compliance()}: the
     * sequence and hash of the conversation's newest audit entry and its active legal hold,
     * as of the lock. The core calls it instead of {@code lockConversation} for every mutation
     * in regulated mode, so a SQL store should read all of it in the one locking statement
     * (for example a subquery on the audit table's primary key, or columns on the conversation
     * row): {@code postMessage} in regulated mode may cost only one statement more than
     * without (the {@link #appendAudit} insert). The default locks, then calls
     * {@link #complianceState}.
     */
    default Optional<StoredConversation> lockConversationWithCompliance(ConversationId id) {
        Optional<StoredConversation> locked = lockConversation(id);
        return locked.isEmpty() ? locked : Optional.of(locked.get().withCompliance(complianceState(id)));
    }

    /**
     * The conversation's audit head and legal hold ({@link ComplianceState#NONE} if it has
     * neither, or does not exist). No lock needed; under a lock it is exact. One statement.
     */
    default ComplianceState complianceState(ConversationId id) {
        throw unsupported("complianceState");
    }

    /**
     * Appends entries to audit chains, in this unit of work (they exist only if it commits).
     * The core has computed every field; the store inserts them as given, in one multi-row
     * statement where it can. The caller holds the lock of every entry's conversation and
     * gives, per conversation, consecutive sequences following that conversation's head. A
     * duplicate (conversation, sequence) must fail (a primary key), with any exception: it
     * means two writers raced past the lock, and the unit of work is then rolled back.
     *
     * @param entries the entries in chain order; an empty list does nothing
     */
    default void appendAudit(List<AuditRecord> entries) {
        throw unsupported("appendAudit");
    }

    /**
     * Up to {@code limit} audit entries of the conversation with a sequence above
     * {@code afterSequence}, ascending by sequence; a keyset page on the primary key, so
     * O(limit) whatever the chain's length. No lock needed.
     */
    default List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
        throw unsupported("readAudit");
    }

    /**
     * The audit entries of the conversation whose {@link AuditRecord#messageId()} is one of
     * {@code messageIds} (at most 1000), ascending by sequence. One statement (an index on
     * conversation and message id). Used to compare a page of messages with the chain. No
     * lock needed.
     */
    default List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
        throw unsupported("auditOfMessages");
    }

    /** The message with its current body and state, or empty if it does not exist in that conversation. No lock needed. */
    default Optional<Message> findMessage(ConversationId conversationId, MessageId messageId) {
        throw unsupported("findMessage");
    }

    /**
     * Replaces a message's body. First stores its current body as a superseded version:
     * number = the message's stored versions + 1, {@code writtenAt} = the message's
     * {@code editedAt} if set, else its {@code createdAt}, {@code supersededAt} =
     * {@code editedAt}. Then sets the message's body to {@code body} and its {@code editedAt}.
     * Counters, sequence, read state and {@code lastActivityAt} are unchanged.
     *
     * @param body     the new body, already through the content policy
     * @param editedAt the time of the edit
     * @return the message as updated, or empty (nothing changed) if there is no such message
     */
    default Optional<Message> editMessage(ConversationId conversationId, MessageId messageId, String body,
                                          Instant editedAt) {
        throw unsupported("editMessage");
    }

    /**
     * Makes a message a tombstone: its body becomes the empty string and its
     * {@code redactedAt} is set; counters, sequence and read state are unchanged.
     * With {@code keepContent} (regulated mode) the current body is first stored as a
     * superseded version exactly as {@link #editMessage} does, so every text stays on record.
     * Without it, the text is erased from storage: the message's body and every stored version
     * of it are removed (a version row may stay with a null body, or go).
     *
     * @return the message as updated, or empty (nothing changed) if there is no such message
     */
    default Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId, Instant redactedAt,
                                            boolean keepContent) {
        throw unsupported("redactMessage");
    }

    /**
     * The stored (superseded) versions of the given messages of the conversation (at most
     * 1000 ids), ordered by message sequence then version number; the current body is on the
     * message, not here, so a message never edited nor redacted has none. Each has
     * {@code current == false}. One statement. No lock needed.
     */
    default List<MessageVersion> messageVersions(ConversationId conversationId, Collection<MessageId> messageIds) {
        throw unsupported("messageVersions");
    }

    /**
     * Places a legal hold on the conversation unless one is active.
     *
     * @return true if placed, false if a hold was already active (nothing changed)
     */
    default boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
        throw unsupported("placeLegalHold");
    }

    /**
     * Removes the conversation's active legal hold.
     *
     * @return the hold removed, or empty if there was none
     */
    default Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
        throw unsupported("releaseLegalHold");
    }

    /**
     * Up to {@code limit} ids of conversations created before {@code createdBefore} that have
     * no active legal hold, with an id above {@code after} (null: from the start), ascending
     * by id in the store's own order of ids (the one its "above {@code after}" comparison
     * uses; the core only passes back the last id it got, as a keyset). These are the
     * candidates of a purge. No lock needed (the core locks each one before purging it and
     * re-checks the hold).
     */
    default List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
        throw unsupported("purgeCandidates");
    }

    /**
     * Removes up to {@code max} of the conversation's oldest messages created before
     * {@code createdBefore}, with all their versions, lowering the conversation's unread
     * counters by the unread ones among them. Message count, sequences of the others and
     * {@code lastActivityAt} stay. Called under the conversation's lock.
     */
    default PurgedMessages purgeMessages(ConversationId conversationId, Instant createdBefore, int max) {
        throw unsupported("purgeMessages");
    }

    /**
     * Removes the conversation's audit entries with a sequence up to {@code throughSequence}.
     * Called under the conversation's lock, in the unit of work that then appends the purge's
     * checkpoint entry.
     *
     * @return how many it removed
     */
    default int purgeAudit(ConversationId conversationId, long throughSequence) {
        throw unsupported("purgeAudit");
    }

    /**
     * Records that {@code userId}'s processing is restricted from {@code since}.
     *
     * @return false if a restriction was already recorded (nothing changed)
     */
    default boolean restrictProcessing(String userId, Instant since) {
        throw unsupported("restrictProcessing");
    }

    /**
     * Which of {@code userIds} (at most 1000) are restricted. One statement; the core calls
     * it once per page of messages in regulated mode only. No lock needed.
     */
    default Set<String> restrictedAmong(Collection<String> userIds) {
        throw unsupported("restrictedAmong");
    }

    /**
     * Up to {@code limit} restrictions recorded before {@code sinceBefore} and not yet
     * pseudonymised, with a user id above {@code afterUserId} (null: from the start), ascending
     * by user id.
     */
    default List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId,
                                                                   int limit) {
        throw unsupported("restrictionsToPseudonymise");
    }

    /**
     * Replaces {@code userId} with {@code pseudonym} in up to {@code maxRows} rows: message
     * authors ({@code authorUserId}) and participants' user ids. Audit entries are never
     * changed (the chain would break); the restriction row keeps the user id, so later calls
     * and {@code restrictedAmong} still know it.
     *
     * @return how many rows it changed; fewer than {@code maxRows} means none are left, and the
     *         store has then set the restriction's {@code pseudonymisedAt} to {@code at}
     */
    default int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
        throw unsupported("pseudonymise");
    }

    /** The exception the regulated-mode defaults throw, naming the store. */
    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(getClass().getName() + " does not support regulated mode ("
                + operation + "); ChatStore.supportsRegulatedMode() is false for it");
    }
}
