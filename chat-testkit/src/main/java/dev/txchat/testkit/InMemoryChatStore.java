package dev.txchat.testkit;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.FeedRecord;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A {@link ChatStore} that keeps everything in memory, for tests and demos. Every piece of
 * data is lost when the JVM exits (or the instance is dropped).
 *
 * <pre>{@code
 * ChatService chat = ChatService.builder()
 *     .store(new InMemoryChatStore())
 *     .transactionDirectory(directory)
 *     .build();
 * }</pre>
 *
 * <p>It has the same semantics as the database store and passes the same
 * {@link ChatStoreContract}: each {@link #inTransaction unit of work} is all-or-nothing
 * (what it wrote is undone if it throws), tickets are unique per transaction, live keys
 * unique among open conversations, client message ids unique per conversation and
 * sequences gapless. Listing messages costs O(limit) and listing conversations walks a
 * sorted index in {@link ConversationKey#LIST_ORDER list order}.
 *
 * <p>Thread-safe. Units of work are serialized: one lock is held for the whole unit of
 * work, so no two ever interleave (a unit of work that blocks therefore blocks every other
 * caller). A {@link ChatStoreTransaction} may only be used by the thread running its unit
 * of work, and only until that work returns; afterwards every call throws
 * {@link IllegalStateException}.
 */
public final class InMemoryChatStore implements ChatStore {

    private static final Comparator<Conversation> OLDEST_FIRST = Comparator
            .comparing(Conversation::createdAt)
            .thenComparing(c -> c.id().toString());

    // Fair, so that a thread hammering the store cannot starve the others in concurrency tests.
    private final ReentrantLock lock = new ReentrantLock(true);

    // All state below is guarded by lock.
    private final Map<String, TicketRow> ticketsByTransaction = new HashMap<>();
    private final Map<TicketId, TicketRow> ticketsById = new HashMap<>();
    private final Map<ConversationId, ConversationRow> conversations = new HashMap<>();
    private final Map<String, ConversationId> liveKeys = new HashMap<>();
    private final NavigableMap<ConversationKey, ConversationRow> listIndex = new TreeMap<>(ConversationKey.LIST_ORDER);
    private final Map<String, byte[]> secrets = new HashMap<>();
    // the change feed: appended rows waiting for a position, sequenced rows by position, subscriptions
    private final ArrayDeque<FeedRecord> unsequenced = new ArrayDeque<>();
    private final NavigableMap<Long, FeedRecord> feed = new TreeMap<>();
    private long feedHead;
    private final Map<String, Subscription> subscriptions = new HashMap<>();
    // regulated mode: restrictions by user id
    private final NavigableMap<String, ProcessingRestriction> restrictions = new TreeMap<>();

    private static final class Subscription {
        long position;
        String owner;
        Instant leaseUntil;
    }

    /** An empty store. */
    public InMemoryChatStore() {
    }

    /** True: this store implements regulated mode. */
    @Override
    public boolean supportsRegulatedMode() {
        return true;
    }

    // ---- behind the library's back, for the regulated-mode contract's tamper cases ----------------

    /** Overwrites a message's stored body as a direct database update would. */
    void tamperMessageBody(ConversationId conversation, MessageId message, String body) {
        underLock(() -> {
            ConversationRow row = conversations.get(conversation);
            int index = row.indexById.get(message);
            Message m = row.messages.get(index);
            row.messages.set(index, new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(),
                    m.sentByType(), m.authorUserId(), body, m.createdAt(), m.readAt(), m.clientMessageId(),
                    m.editedAt(), m.redactedAt()));
        });
    }

    /** Overwrites the body of a stored (superseded) version. */
    void tamperMessageVersion(ConversationId conversation, MessageId message, int number, String body) {
        underLock(() -> {
            List<MessageVersion> versions = conversations.get(conversation).versions.get(message);
            MessageVersion v = versions.get(number - 1);
            versions.set(number - 1, new MessageVersion(v.messageId(), v.number(), body, v.writtenAt(),
                    v.supersededAt(), v.current()));
        });
    }

    /** Overwrites an audit entry's canonical text, leaving its hashes. */
    void tamperAuditEntry(ConversationId conversation, long sequence, String entry) {
        underLock(() -> {
            NavigableMap<Long, AuditRecord> audit = conversations.get(conversation).audit;
            AuditRecord r = audit.get(sequence);
            audit.put(sequence, new AuditRecord(r.conversationId(), r.sequence(), r.action(), r.messageId(), r.at(),
                    entry, r.previousHash(), r.hash()));
        });
    }

    /** Deletes an audit entry. */
    void deleteAuditEntry(ConversationId conversation, long sequence) {
        underLock(() -> conversations.get(conversation).audit.remove(sequence));
    }

    private void underLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        lock.lock();
        try {
            Tx tx = new Tx();
            try {
                T result = work.apply(tx);
                tx.close();
                return result;
            } catch (Throwable failure) {
                tx.close();
                tx.rollback();
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private static final class TicketRow {
        final TicketId id;
        final String transactionId;
        final Map<String, String> details;
        final Instant createdAt;
        final List<ConversationId> conversations = new ArrayList<>();

        TicketRow(TicketId id, String transactionId, Map<String, String> details, Instant createdAt) {
            this.id = id;
            this.transactionId = transactionId;
            this.details = details == null ? Map.of() : Map.copyOf(details);
            this.createdAt = createdAt;
        }

        TransactionTicket toTicket(List<Conversation> withConversations) {
            return new TransactionTicket(id, transactionId, details, createdAt, withConversations);
        }
    }

    private static final class ConversationRow {
        Conversation conversation;
        final String liveKey;
        Instant lastActivityAt;
        // messages.get(i) has sequence i + 1, so any page is reached in O(1).
        final ArrayList<Message> messages = new ArrayList<>();
        final Map<String, Integer> byClientMessageId = new HashMap<>();
        // Indexes into messages of each side's unread messages, ascending.
        final ArrayList<Integer> unreadFromService = new ArrayList<>();
        final ArrayList<Integer> unreadFromBusiness = new ArrayList<>();
        // regulated mode. Purged messages leave null slots before firstLive, so sequence s stays at index s - 1
        final Map<MessageId, Integer> indexById = new HashMap<>();
        int firstLive;
        final Map<MessageId, List<MessageVersion>> versions = new HashMap<>();
        final NavigableMap<Long, AuditRecord> audit = new TreeMap<>();
        // the newest entry appended, kept apart from the entries as a SQL store keeps it on the row
        long auditHeadSequence;
        String auditHeadHash = ComplianceState.GENESIS_HASH;
        LegalHold hold;

        ConversationRow(Conversation conversation, String liveKey) {
            this.conversation = conversation;
            this.liveKey = liveKey;
            this.lastActivityAt = conversation.createdAt();
        }

        ConversationKey key() {
            return new ConversationKey(lastActivityAt, conversation.id());
        }

        ArrayList<Integer> unreadSentBy(ParticipantType side) {
            return side == ParticipantType.SERVICE ? unreadFromService : unreadFromBusiness;
        }

        StoredConversation snapshot() {
            // none when every message was purged
            Message last = messages.size() > firstLive ? messages.get(messages.size() - 1) : null;
            return new StoredConversation(conversation, messages.size(), unreadFromService.size(),
                    unreadFromBusiness.size(), lastActivityAt, last);
        }

        boolean isLive() {
            return conversation.status() == ConversationStatus.OPEN;
        }

        ComplianceState compliance() {
            return new ComplianceState(auditHeadSequence, auditHeadHash, hold);
        }
    }

    /** One unit of work. Writes happen in place; each registers how to undo itself. */
    private final class Tx implements ChatStoreTransaction {
        private final Deque<Runnable> undo = new ArrayDeque<>();
        private final Thread owner = Thread.currentThread();
        private boolean open = true;

        void close() {
            open = false;
        }

        void rollback() {
            while (!undo.isEmpty()) {
                undo.pop().run();
            }
        }

        private void checkOpen() {
            if (!open) {
                throw new IllegalStateException("this transaction's unit of work has ended");
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a transaction may only be used by the thread running its unit of work");
            }
        }

        // ---- change feed ----------------------------------------------------------------------

        @Override
        public void appendToFeed(List<FeedRecord> records) {
            checkOpen();
            for (FeedRecord record : records) {
                unsequenced.addLast(record);
                undo.push(unsequenced::removeLast);
            }
        }

        @Override
        public int sequenceFeed(int max) {
            checkOpen();
            // units of work never interleave here, so everything appended is committed
            int done = 0;
            while (done < max && !unsequenced.isEmpty()) {
                FeedRecord record = unsequenced.removeFirst();
                long position = ++feedHead;
                feed.put(position, new FeedRecord(position, record.conversationId(), record.type(), record.payload(),
                        record.audience(), record.committedAt()));
                undo.push(() -> {
                    feed.remove(position);
                    feedHead--;
                    unsequenced.addFirst(record);
                });
                done++;
            }
            return done;
        }

        @Override
        public long feedHead() {
            checkOpen();
            return feedHead;
        }

        @Override
        public List<FeedRecord> readFeed(long after, int max) {
            checkOpen();
            List<FeedRecord> page = new ArrayList<>(Math.min(max, 64));
            for (FeedRecord record : feed.tailMap(after, false).values()) {
                if (page.size() == max) {
                    break;
                }
                page.add(record);
            }
            return page;
        }

        @Override
        public long leaseSubscription(String name, String owner, Instant now, Instant leaseUntil) {
            checkOpen();
            Subscription sub = subscriptions.get(name);
            if (sub == null) {
                sub = new Subscription();
                sub.position = feedHead;
                subscriptions.put(name, sub);
                undo.push(() -> subscriptions.remove(name));
            }
            if (sub.owner != null && !sub.owner.equals(owner) && sub.leaseUntil.isAfter(now)) {
                return -1;
            }
            Subscription held = sub;
            String oldOwner = held.owner;
            Instant oldLease = held.leaseUntil;
            held.owner = owner;
            held.leaseUntil = leaseUntil;
            undo.push(() -> {
                held.owner = oldOwner;
                held.leaseUntil = oldLease;
            });
            return held.position;
        }

        @Override
        public boolean advanceSubscription(String name, String owner, long position, Instant leaseUntil) {
            checkOpen();
            Subscription sub = subscriptions.get(name);
            if (sub == null || !owner.equals(sub.owner)) {
                return false;
            }
            long oldPosition = sub.position;
            Instant oldLease = sub.leaseUntil;
            sub.position = Math.max(sub.position, position);
            sub.leaseUntil = leaseUntil;
            undo.push(() -> {
                sub.position = oldPosition;
                sub.leaseUntil = oldLease;
            });
            return true;
        }

        @Override
        public void releaseSubscription(String name, String owner) {
            checkOpen();
            Subscription sub = subscriptions.get(name);
            if (sub != null && owner.equals(sub.owner)) {
                String oldOwner = sub.owner;
                Instant oldLease = sub.leaseUntil;
                sub.owner = null;
                sub.leaseUntil = null;
                undo.push(() -> {
                    sub.owner = oldOwner;
                    sub.leaseUntil = oldLease;
                });
            }
        }

        @Override
        public int pruneFeed(Instant committedBefore, int max) {
            checkOpen();
            long passedByAll = subscriptions.values().stream().mapToLong(sub -> sub.position).min()
                    .orElse(Long.MAX_VALUE);
            int removed = 0;
            while (removed < max && !feed.isEmpty()) {
                Map.Entry<Long, FeedRecord> first = feed.firstEntry();
                if (first.getKey() > passedByAll || !first.getValue().committedAt().isBefore(committedBefore)) {
                    break;
                }
                feed.remove(first.getKey());
                undo.push(() -> feed.put(first.getKey(), first.getValue()));
                removed++;
            }
            return removed;
        }

        // ---- secrets --------------------------------------------------------------------------

        @Override
        public byte[] findOrCreateSecret(String name, byte[] candidate) {
            checkOpen();
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(candidate, "candidate");
            byte[] existing = secrets.get(name);
            if (existing != null) {
                return existing.clone();
            }
            secrets.put(name, candidate.clone());
            undo.push(() -> secrets.remove(name));
            return candidate.clone();
        }

        // ---- tickets --------------------------------------------------------------------------

        @Override
        public Stored<TransactionTicket> findOrCreateTicket(TicketId id, String transactionId,
                                                            Map<String, String> details, Instant createdAt) {
            checkOpen();
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(transactionId, "transactionId");
            Objects.requireNonNull(createdAt, "createdAt");
            TicketRow existing = ticketsByTransaction.get(transactionId);
            if (existing != null) {
                return Stored.existing(existing.toTicket(List.of()));
            }
            if (ticketsById.containsKey(id)) {
                throw new IllegalStateException("duplicate ticket id " + id);
            }
            TicketRow row = new TicketRow(id, transactionId, details, createdAt);
            ticketsByTransaction.put(transactionId, row);
            ticketsById.put(id, row);
            undo.push(() -> {
                ticketsByTransaction.remove(transactionId);
                ticketsById.remove(id);
            });
            return Stored.created(row.toTicket(List.of()));
        }

        @Override
        public Optional<TransactionTicket> findTicket(String transactionId) {
            checkOpen();
            TicketRow row = ticketsByTransaction.get(transactionId);
            if (row == null) {
                return Optional.empty();
            }
            List<Conversation> list = new ArrayList<>(row.conversations.size());
            for (ConversationId id : row.conversations) {
                list.add(conversations.get(id).conversation);
            }
            list.sort(OLDEST_FIRST);
            return Optional.of(row.toTicket(list));
        }

        // ---- conversations --------------------------------------------------------------------

        @Override
        public Stored<StoredConversation> createConversation(NewConversation request) {
            checkOpen();
            Conversation conversation = request.conversation();
            String liveKey = request.liveKey();
            if (liveKey != null) {
                ConversationId holder = liveKeys.get(liveKey);
                if (holder != null) {
                    return Stored.existing(conversations.get(holder).snapshot());
                }
            }
            ConversationId id = conversation.id();
            if (conversations.containsKey(id)) {
                throw new IllegalStateException("duplicate conversation id " + id);
            }
            TicketRow ticket = null;
            if (conversation.ticketId() != null) {
                ticket = ticketsById.get(conversation.ticketId());
                if (ticket == null) {
                    throw new IllegalStateException("no ticket " + conversation.ticketId());
                }
            }
            ConversationRow row = new ConversationRow(conversation, liveKey);
            conversations.put(id, row);
            ConversationKey key = row.key();
            listIndex.put(key, row);
            boolean holdsKey = liveKey != null && row.isLive();
            if (holdsKey) {
                liveKeys.put(liveKey, id);
            }
            TicketRow finalTicket = ticket;
            if (finalTicket != null) {
                finalTicket.conversations.add(id);
            }
            undo.push(() -> {
                conversations.remove(id);
                listIndex.remove(key);
                if (holdsKey) {
                    liveKeys.remove(liveKey);
                }
                if (finalTicket != null) {
                    finalTicket.conversations.remove(finalTicket.conversations.size() - 1);
                }
            });
            return Stored.created(row.snapshot());
        }

        @Override
        public Optional<StoredConversation> findConversation(ConversationId id) {
            checkOpen();
            ConversationRow row = conversations.get(id);
            return row == null ? Optional.empty() : Optional.of(row.snapshot());
        }

        @Override
        public Optional<StoredConversation> lockConversation(ConversationId id) {
            // Units of work are already serialized by the store lock.
            return findConversation(id).map(c -> new StoredConversation(c.conversation(), c.messageCount(),
                    c.unreadFromService(), c.unreadFromBusiness(), c.lastActivityAt(), null));
        }

        @Override
        public Optional<StoredConversation> findLiveConversation(String liveKey) {
            checkOpen();
            ConversationId id = liveKeys.get(liveKey);
            return id == null ? Optional.empty() : Optional.of(conversations.get(id).snapshot());
        }

        @Override
        public boolean markDeleted(ConversationId id, Instant deletedAt) {
            checkOpen();
            ConversationRow row = conversations.get(id);
            if (row == null || !row.isLive()) {
                return false;
            }
            Conversation before = row.conversation;
            row.conversation = withStatus(before, ConversationStatus.DELETED);
            boolean freedKey = row.liveKey != null && id.equals(liveKeys.get(row.liveKey));
            if (freedKey) {
                liveKeys.remove(row.liveKey);
            }
            undo.push(() -> {
                row.conversation = before;
                if (freedKey) {
                    liveKeys.put(row.liveKey, id);
                }
            });
            return true;
        }

        @Override
        public List<StoredConversation> listConversations(ConversationQuery query, ConversationKey bound,
                                                          boolean forward, int limit) {
            checkOpen();
            Objects.requireNonNull(query, "query");
            checkLimit(limit);
            NavigableMap<ConversationKey, ConversationRow> range;
            if (forward) {
                range = bound == null ? listIndex : listIndex.tailMap(bound, false);
            } else {
                range = (bound == null ? listIndex : listIndex.headMap(bound, false)).descendingMap();
            }
            List<StoredConversation> page = new ArrayList<>(Math.min(limit, 64));
            for (ConversationRow row : range.values()) {
                if (page.size() >= limit) {
                    break;
                }
                StoredConversation snapshot = row.snapshot();
                if (query.matches(snapshot)) {
                    page.add(snapshot);
                }
            }
            return page;
        }

        @Override
        public long countConversations(ConversationQuery query) {
            checkOpen();
            Objects.requireNonNull(query, "query");
            long count = 0;
            for (ConversationRow row : conversations.values()) {
                if (query.matches(row.snapshot())) {
                    count++;
                }
            }
            return count;
        }

        // ---- participants ---------------------------------------------------------------------

        @Override
        public Stored<Participant> addParticipant(ConversationId conversationId, ParticipantId id,
                                                  ParticipantRef who, Instant joinedAt) {
            checkOpen();
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(who, "who");
            Objects.requireNonNull(joinedAt, "joinedAt");
            ConversationRow row = existingRow(conversationId);
            Conversation before = row.conversation;
            for (Participant p : before.participants()) {
                if (p.isActive() && p.is(who)) {
                    return Stored.existing(p);
                }
            }
            Participant added = new Participant(id, who.type(), who.userId(), who.organizationId(), joinedAt, null);
            List<Participant> participants = new ArrayList<>(before.participants());
            participants.add(added);
            row.conversation = withParticipants(before, participants);
            undo.push(() -> row.conversation = before);
            return Stored.created(added);
        }

        @Override
        public Optional<Participant> removeParticipant(ConversationId conversationId, ParticipantId participantId,
                                                       Instant leftAt) {
            checkOpen();
            Objects.requireNonNull(leftAt, "leftAt");
            ConversationRow row = conversations.get(conversationId);
            if (row == null) {
                return Optional.empty();
            }
            Conversation before = row.conversation;
            List<Participant> participants = new ArrayList<>(before.participants());
            for (int i = 0; i < participants.size(); i++) {
                Participant p = participants.get(i);
                if (p.id().equals(participantId) && p.isActive()) {
                    Participant left = new Participant(p.id(), p.type(), p.userId(), p.organizationId(),
                            p.joinedAt(), leftAt);
                    participants.set(i, left);
                    row.conversation = withParticipants(before, participants);
                    undo.push(() -> row.conversation = before);
                    return Optional.of(left);
                }
            }
            return Optional.empty();
        }

        // ---- messages -------------------------------------------------------------------------

        @Override
        public Stored<Message> appendMessage(NewStoredMessage message) {
            checkOpen();
            Objects.requireNonNull(message, "message");
            ConversationRow row = existingRow(message.conversationId());
            String clientMessageId = message.clientMessageId();
            if (clientMessageId != null) {
                Integer existing = row.byClientMessageId.get(clientMessageId);
                if (existing != null) {
                    return Stored.existing(row.messages.get(existing));
                }
            }
            Message stored = new Message(message.id(), message.conversationId(), row.messages.size() + 1L,
                    message.senderId(), message.sentByType(), message.authorUserId(), message.body(),
                    message.createdAt(), null, clientMessageId);
            ConversationKey oldKey = row.key();
            Instant oldActivity = row.lastActivityAt;
            int index = row.messages.size();
            row.messages.add(stored);
            row.indexById.put(stored.id(), index);
            if (clientMessageId != null) {
                row.byClientMessageId.put(clientMessageId, index);
            }
            ArrayList<Integer> unread = row.unreadSentBy(message.sentByType());
            unread.add(index);
            listIndex.remove(oldKey);
            // a writer whose clock lags never moves the conversation's activity back
            row.lastActivityAt = message.createdAt().isAfter(oldActivity) ? message.createdAt() : oldActivity;
            ConversationKey newKey = row.key();
            listIndex.put(newKey, row);
            undo.push(() -> {
                listIndex.remove(newKey);
                row.lastActivityAt = oldActivity;
                listIndex.put(oldKey, row);
                unread.remove(unread.size() - 1);
                if (clientMessageId != null) {
                    row.byClientMessageId.remove(clientMessageId);
                }
                row.indexById.remove(stored.id());
                row.messages.remove(index);
            });
            return Stored.created(stored);
        }

        @Override
        public List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward,
                                          int limit) {
            checkOpen();
            checkLimit(limit);
            ConversationRow row = conversations.get(conversationId);
            if (row == null) {
                return List.of();
            }
            List<Message> messages = row.messages;
            int size = messages.size();
            List<Message> page = new ArrayList<>(Math.min(limit, 64));
            if (forward) {
                // Sequence s sits at index s - 1, so "strictly above b" starts at index b.
                long start = Math.max(row.firstLive, boundSequence == null ? 0 : Math.max(0, boundSequence));
                for (long i = start; i < size && page.size() < limit; i++) {
                    page.add(messages.get((int) i));
                }
            } else {
                long start = boundSequence == null ? size - 1 : Math.min(size, boundSequence - 1) - 1;
                for (long i = start; i >= row.firstLive && page.size() < limit; i--) {
                    page.add(messages.get((int) i));
                }
            }
            return page;
        }

        @Override
        public int markRead(ConversationId conversationId, ParticipantType sentBy, Instant readAt) {
            checkOpen();
            Objects.requireNonNull(sentBy, "sentBy");
            Objects.requireNonNull(readAt, "readAt");
            ConversationRow row = conversations.get(conversationId);
            if (row == null) {
                return 0;
            }
            ArrayList<Integer> unread = row.unreadSentBy(sentBy);
            if (unread.isEmpty()) {
                return 0;
            }
            List<Integer> marked = new ArrayList<>(unread);
            List<Message> before = new ArrayList<>(marked.size());
            for (int index : marked) {
                Message m = row.messages.get(index);
                before.add(m);
                row.messages.set(index, withReadAt(m, readAt));
            }
            unread.clear();
            undo.push(() -> {
                for (int i = 0; i < marked.size(); i++) {
                    row.messages.set(marked.get(i), before.get(i));
                }
                unread.addAll(marked);
            });
            return marked.size();
        }

        // ---- regulated mode -----------------------------------------------------------------------

        @Override
        public Optional<StoredConversation> lockConversationWithCompliance(ConversationId id) {
            return lockConversation(id).map(c -> c.withCompliance(conversations.get(id).compliance()));
        }

        @Override
        public ComplianceState complianceState(ConversationId id) {
            checkOpen();
            ConversationRow row = conversations.get(id);
            return row == null ? ComplianceState.NONE : row.compliance();
        }

        @Override
        public void appendAudit(List<AuditRecord> entries) {
            checkOpen();
            for (AuditRecord entry : entries) {
                ConversationRow row = existingRow(entry.conversationId());
                if (row.audit.containsKey(entry.sequence())) {
                    throw new IllegalStateException("duplicate audit entry " + entry.sequence() + " of "
                            + entry.conversationId());
                }
                row.audit.put(entry.sequence(), entry);
                long headSequence = row.auditHeadSequence;
                String headHash = row.auditHeadHash;
                if (entry.sequence() > headSequence) {
                    row.auditHeadSequence = entry.sequence();
                    row.auditHeadHash = entry.hash();
                }
                undo.push(() -> {
                    row.audit.remove(entry.sequence());
                    row.auditHeadSequence = headSequence;
                    row.auditHeadHash = headHash;
                });
            }
        }

        @Override
        public List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
            checkOpen();
            checkLimit(limit);
            ConversationRow row = conversations.get(conversationId);
            if (row == null) {
                return List.of();
            }
            List<AuditRecord> page = new ArrayList<>(Math.min(limit, 64));
            for (AuditRecord r : row.audit.tailMap(afterSequence, false).values()) {
                if (page.size() >= limit) {
                    break;
                }
                page.add(r);
            }
            return page;
        }

        @Override
        public List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
            checkOpen();
            ConversationRow row = conversations.get(conversationId);
            if (row == null || messageIds.isEmpty()) {
                return List.of();
            }
            Set<MessageId> wanted = new HashSet<>(messageIds);
            List<AuditRecord> found = new ArrayList<>();
            // an index on (conversation, message) in a database; a scan is fine for a test store
            for (AuditRecord r : row.audit.values()) {
                if (r.messageId() != null && wanted.contains(r.messageId())) {
                    found.add(r);
                }
            }
            return found;
        }

        @Override
        public Optional<Message> findMessage(ConversationId conversationId, MessageId messageId) {
            checkOpen();
            ConversationRow row = conversations.get(conversationId);
            Integer index = row == null ? null : row.indexById.get(messageId);
            return index == null ? Optional.empty() : Optional.ofNullable(row.messages.get(index));
        }

        @Override
        public Optional<Message> editMessage(ConversationId conversationId, MessageId messageId, String body,
                                             Instant editedAt) {
            checkOpen();
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(editedAt, "editedAt");
            return replace(conversationId, messageId, true, m -> new Message(m.id(), m.conversationId(),
                    m.sequence(), m.senderId(), m.sentByType(), m.authorUserId(), body, m.createdAt(), m.readAt(),
                    m.clientMessageId(), editedAt, m.redactedAt()), editedAt);
        }

        @Override
        public Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId,
                                               Instant redactedAt, boolean keepContent) {
            checkOpen();
            Objects.requireNonNull(redactedAt, "redactedAt");
            Optional<Message> tombstone = replace(conversationId, messageId, keepContent, m -> new Message(m.id(),
                    m.conversationId(), m.sequence(), m.senderId(), m.sentByType(), m.authorUserId(), "",
                    m.createdAt(), m.readAt(), m.clientMessageId(), m.editedAt(), redactedAt), redactedAt);
            if (tombstone.isPresent() && !keepContent) {
                ConversationRow row = conversations.get(conversationId);
                List<MessageVersion> erased = row.versions.remove(messageId);
                if (erased != null) {
                    undo.push(() -> row.versions.put(messageId, erased));
                }
            }
            return tombstone;
        }

        /** Replaces a message, first keeping its current body as a superseded version if asked. */
        private Optional<Message> replace(ConversationId conversationId, MessageId messageId, boolean keepVersion,
                                          Function<Message, Message> change, Instant at) {
            ConversationRow row = conversations.get(conversationId);
            Integer index = row == null ? null : row.indexById.get(messageId);
            Message before = index == null ? null : row.messages.get(index);
            if (before == null) {
                return Optional.empty();
            }
            if (keepVersion) {
                List<MessageVersion> versions = row.versions.computeIfAbsent(messageId, k -> new ArrayList<>());
                versions.add(new MessageVersion(messageId, versions.size() + 1, before.body(),
                        before.editedAt() != null ? before.editedAt() : before.createdAt(), at, false));
                undo.push(() -> {
                    versions.remove(versions.size() - 1);
                    if (versions.isEmpty()) {
                        row.versions.remove(messageId);
                    }
                });
            }
            Message after = change.apply(before);
            row.messages.set(index, after);
            undo.push(() -> row.messages.set(index, before));
            return Optional.of(after);
        }

        @Override
        public List<MessageVersion> messageVersions(ConversationId conversationId, Collection<MessageId> messageIds) {
            checkOpen();
            ConversationRow row = conversations.get(conversationId);
            if (row == null) {
                return List.of();
            }
            List<MessageId> ordered = new ArrayList<>();
            for (MessageId id : new HashSet<>(messageIds)) {
                if (row.indexById.containsKey(id) && row.versions.containsKey(id)) {
                    ordered.add(id);
                }
            }
            ordered.sort(Comparator.comparing(row.indexById::get));
            List<MessageVersion> result = new ArrayList<>();
            for (MessageId id : ordered) {
                result.addAll(row.versions.get(id));
            }
            return result;
        }

        @Override
        public boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
            checkOpen();
            Objects.requireNonNull(hold, "hold");
            ConversationRow row = existingRow(conversationId);
            if (row.hold != null) {
                return false;
            }
            row.hold = hold;
            undo.push(() -> row.hold = null);
            return true;
        }

        @Override
        public Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
            checkOpen();
            ConversationRow row = conversations.get(conversationId);
            if (row == null || row.hold == null) {
                return Optional.empty();
            }
            LegalHold released = row.hold;
            row.hold = null;
            undo.push(() -> row.hold = released);
            return Optional.of(released);
        }

        @Override
        public List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
            checkOpen();
            checkLimit(limit);
            List<ConversationId> candidates = new ArrayList<>();
            for (ConversationRow row : conversations.values()) {
                Conversation c = row.conversation;
                if (row.hold == null && c.createdAt().isBefore(createdBefore)
                        && (after == null || c.id().toString().compareTo(after.toString()) > 0)) {
                    candidates.add(c.id());
                }
            }
            candidates.sort(Comparator.comparing(ConversationId::toString));
            return candidates.size() > limit ? new ArrayList<>(candidates.subList(0, limit)) : candidates;
        }

        @Override
        public PurgedMessages purgeMessages(ConversationId conversationId, Instant createdBefore, int max) {
            checkOpen();
            ConversationRow row = existingRow(conversationId);
            int count = 0;
            long highest = 0;
            while (count < max && row.firstLive < row.messages.size()) {
                int index = row.firstLive;
                Message m = row.messages.get(index);
                if (!m.createdAt().isBefore(createdBefore)) {
                    break;
                }
                List<MessageVersion> versions = row.versions.remove(m.id());
                row.indexById.remove(m.id());
                if (m.clientMessageId() != null) {
                    row.byClientMessageId.remove(m.clientMessageId());
                }
                ArrayList<Integer> unread = row.unreadSentBy(m.sentByType());
                int unreadAt = unread.indexOf(index);
                if (unreadAt >= 0) {
                    unread.remove(unreadAt);
                }
                row.messages.set(index, null);
                row.firstLive++;
                undo.push(() -> {
                    row.firstLive--;
                    row.messages.set(index, m);
                    if (unreadAt >= 0) {
                        unread.add(unreadAt, index);
                    }
                    if (m.clientMessageId() != null) {
                        row.byClientMessageId.put(m.clientMessageId(), index);
                    }
                    row.indexById.put(m.id(), index);
                    if (versions != null) {
                        row.versions.put(m.id(), versions);
                    }
                });
                count++;
                highest = m.sequence();
            }
            return count == 0 ? PurgedMessages.NONE : new PurgedMessages(count, highest);
        }

        @Override
        public int purgeAudit(ConversationId conversationId, long throughSequence) {
            checkOpen();
            ConversationRow row = existingRow(conversationId);
            NavigableMap<Long, AuditRecord> removed = new TreeMap<>(row.audit.headMap(throughSequence, true));
            row.audit.headMap(throughSequence, true).clear();
            undo.push(() -> row.audit.putAll(removed));
            return removed.size();
        }

        @Override
        public boolean restrictProcessing(String userId, Instant since) {
            checkOpen();
            Objects.requireNonNull(userId, "userId");
            if (restrictions.containsKey(userId)) {
                return false;
            }
            restrictions.put(userId, new ProcessingRestriction(userId, since, null));
            undo.push(() -> restrictions.remove(userId));
            return true;
        }

        @Override
        public Set<String> restrictedAmong(Collection<String> userIds) {
            checkOpen();
            Set<String> restricted = new HashSet<>();
            for (String userId : userIds) {
                if (restrictions.containsKey(userId)) {
                    restricted.add(userId);
                }
            }
            return restricted;
        }

        @Override
        public List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId,
                                                                      int limit) {
            checkOpen();
            checkLimit(limit);
            List<ProcessingRestriction> due = new ArrayList<>();
            for (ProcessingRestriction r : (afterUserId == null ? restrictions
                    : restrictions.tailMap(afterUserId, false)).values()) {
                if (due.size() >= limit) {
                    break;
                }
                if (r.pseudonymisedAt() == null && r.since().isBefore(sinceBefore)) {
                    due.add(r);
                }
            }
            return due;
        }

        @Override
        public int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
            checkOpen();
            int changed = 0;
            for (ConversationRow row : conversations.values()) {
                for (int i = row.firstLive; i < row.messages.size() && changed < maxRows; i++) {
                    Message m = row.messages.get(i);
                    if (userId.equals(m.authorUserId())) {
                        Message renamed = new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(),
                                m.sentByType(), pseudonym, m.body(), m.createdAt(), m.readAt(), m.clientMessageId(),
                                m.editedAt(), m.redactedAt());
                        int index = i;
                        row.messages.set(index, renamed);
                        undo.push(() -> row.messages.set(index, m));
                        changed++;
                    }
                }
                Conversation before = row.conversation;
                List<Participant> participants = new ArrayList<>(before.participants());
                boolean renamedAny = false;
                for (int i = 0; i < participants.size() && changed < maxRows; i++) {
                    Participant p = participants.get(i);
                    if (userId.equals(p.userId())) {
                        participants.set(i, new Participant(p.id(), p.type(), pseudonym, p.organizationId(),
                                p.joinedAt(), p.leftAt()));
                        renamedAny = true;
                        changed++;
                    }
                }
                if (renamedAny) {
                    row.conversation = withParticipants(before, participants);
                    undo.push(() -> row.conversation = before);
                }
            }
            if (changed < maxRows) {
                ProcessingRestriction r = restrictions.get(userId);
                if (r != null) {
                    restrictions.put(userId, new ProcessingRestriction(userId, r.since(), at));
                    undo.push(() -> restrictions.put(userId, r));
                }
            }
            return changed;
        }


        private ConversationRow existingRow(ConversationId id) {
            ConversationRow row = conversations.get(id);
            if (row == null) {
                throw new IllegalStateException("no conversation " + id);
            }
            return row;
        }

        private void checkLimit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must not be negative: " + limit);
            }
        }
    }

    private static Conversation withStatus(Conversation c, ConversationStatus status) {
        return new Conversation(c.id(), c.kind(), c.ticketId(), c.transactionId(), c.organizationId(), c.subject(),
                status, c.createdAt(), c.participants());
    }

    private static Conversation withParticipants(Conversation c, List<Participant> participants) {
        return new Conversation(c.id(), c.kind(), c.ticketId(), c.transactionId(), c.organizationId(), c.subject(),
                c.status(), c.createdAt(), participants);
    }

    private static Message withReadAt(Message m, Instant readAt) {
        return new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(), m.sentByType(), m.authorUserId(),
                m.body(), m.createdAt(), readAt, m.clientMessageId(), m.editedAt(), m.redactedAt());
    }
}
