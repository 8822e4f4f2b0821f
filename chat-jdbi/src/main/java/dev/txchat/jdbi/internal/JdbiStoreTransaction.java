package dev.txchat.jdbi.internal;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.FeedRecord;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.jdbi.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@link ChatStoreTransaction} over one JDBI {@link Handle} inside an open database
 * transaction. Used by one thread for the duration of one unit of work.
 *
 * <p>Concurrency rests on the database: unique keys decide find-or-create races (the
 * loser reads the winner's row), and writers to one conversation first lock its row, which
 * serializes sequence allocation, client-message-id checks and participant additions.
 */
public final class JdbiStoreTransaction implements ChatStoreTransaction {
    /** A live key can be freed between our failed insert and our read; try again that often. */
    private static final int LIVE_KEY_ATTEMPTS = 5;

    private final Handle handle;
    private final Sql sql;
    /**
     * Message counts of the conversation rows this transaction has locked, kept current as it
     * appends: a row locked once stays locked until commit, so appending needs no second lock.
     */
    private final Map<String, Long> lockedMessageCounts = new HashMap<>();

    /** Whether the unit of work runs inside a transaction its caller (the host) commits later. */
    private final boolean joined;

    /** The maintained conversation counts: changed with every conversation and participant change. */
    private final ConversationCounts counts;

    public JdbiStoreTransaction(Handle handle, Sql sql, boolean joined) {
        this.handle = handle;
        this.sql = sql;
        this.joined = joined;
        this.counts = new ConversationCounts(handle, sql);
    }

    // ---- secrets and commit ---------------------------------------------------------------------

    @Override
    public byte[] findOrCreateSecret(String name, byte[] candidate) {
        Map<String, Object> params = new HashMap<>();
        params.put("name", name);
        params.put("secret", java.util.Base64.getEncoder().encodeToString(candidate));
        params.put("createdAt", Times.toMicros(Instant.now()));
        insertIgnoringDuplicate(sql.insertSecret, params);
        String stored = query(sql.selectSecret).bind("name", name).mapTo(String.class).findOne()
                // only when the winning insert is not committed yet and the database did not wait for it
                .orElseThrow(() -> new RetryableConflictException("secret " + name));
        return java.util.Base64.getDecoder().decode(stored);
    }

    @Override
    public boolean runAfterOuterCommit(Runnable action) {
        if (!joined) {
            return false;
        }
        List<Long> ids = List.copyOf(appendedFeedIds);
        handle.afterCommit(() -> {
            // a host that rolled back to a savepoint taken before this work still commits: the
            // work is then gone, and its feed rows with it
            if (ids.isEmpty() || stillCommitted(ids)) {
                action.run();
            }
        });
        return true;
    }

    private boolean stillCommitted(List<Long> ids) {
        long found = query(sql.countFeedIds).bindList("ids", ids).mapTo(Long.class).one();
        return found == ids.size();
    }

    // ---- change feed ----------------------------------------------------------------------------

    /** Ids of the feed rows this joined unit of work inserted, to check after the host's commit. */
    private final List<Long> appendedFeedIds = new ArrayList<>();

    @Override
    public void appendToFeed(List<FeedRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Update insert = update(sql.insertFeed(records.size()));
        for (int i = 0; i < records.size(); i++) {
            FeedRecord r = records.get(i);
            insert.bind("aggregateid" + i, r.conversationId().toString())
                    .bind("type" + i, r.type())
                    .bind("payload" + i, r.payload())
                    .bind("audience" + i, r.audience())
                    .bind("committedAt" + i, Times.toMicros(r.committedAt()));
        }
        if (joined) {
            appendedFeedIds.addAll(insert.executeAndReturnGeneratedKeys("id").mapTo(Long.class).list());
        } else {
            insert.execute();
        }
    }

    @Override
    public int sequenceFeed(int max) {
        // the head row's lock makes sequencers take turns: positions are given once, in one order
        long head = query(sql.lockFeedHead).mapTo(Long.class).one();
        List<Long> pending = query(sql.selectUnsequenced).bind("max", max).mapTo(Long.class).list();
        if (pending.isEmpty()) {
            return 0;
        }
        var batch = handle.prepareBatch(sql.sequenceEntry);
        batch.setTemplateEngine(Handles.templates());
        batch.setSqlParser(Handles.parser());
        long position = head;
        for (Long id : pending) {
            batch.bind("position", ++position).bind("id", id).add();
        }
        batch.execute();
        update(sql.advanceFeedHead).bind("position", position).execute();
        return pending.size();
    }

    @Override
    public long feedHead() {
        return query(sql.selectFeedHead).mapTo(Long.class).one();
    }

    @Override
    public List<FeedRecord> readFeed(long after, int max) {
        return query(sql.readFeed).bind("after", after).bind("max", max)
                .map((rs, ctx) -> new FeedRecord(rs.getLong("position"),
                        ConversationId.parse(rs.getString("aggregateid")), rs.getString("type"),
                        rs.getString("payload"), rs.getString("audience"), instant(rs, "committed_at")))
                .list();
    }

    @Override
    public long leaseSubscription(String name, String owner, Instant now, Instant leaseUntil) {
        // the common case, a renewal or a takeover, is one update; a new name is created first
        int taken = takeLease(name, owner, now, leaseUntil);
        if (taken == 0 && query(sql.selectSubscriptionPosition).bind("name", name).mapTo(Long.class).findOne()
                .isEmpty()) {
            Map<String, Object> params = new HashMap<>();
            params.put("name", name);
            params.put("position", feedHead());
            insertIgnoringDuplicate(sql.insertSubscription, params);
            taken = takeLease(name, owner, now, leaseUntil);
        }
        if (taken == 0) {
            return -1;
        }
        return query(sql.selectSubscriptionPosition).bind("name", name).mapTo(Long.class).one();
    }

    private int takeLease(String name, String owner, Instant now, Instant leaseUntil) {
        return update(sql.takeLease).bind("owner", owner).bind("leaseUntil", Times.toMicros(leaseUntil))
                .bind("name", name).bind("now", Times.toMicros(now)).execute();
    }

    @Override
    public boolean advanceSubscription(String name, String owner, long position, Instant leaseUntil) {
        return update(sql.advanceSubscription).bind("position", position)
                .bind("leaseUntil", Times.toMicros(leaseUntil)).bind("name", name).bind("owner", owner)
                .execute() == 1;
    }

    @Override
    public void releaseSubscription(String name, String owner) {
        update(sql.releaseSubscription).bind("name", name).bind("owner", owner).execute();
    }

    @Override
    public int pruneFeed(Instant committedBefore, int max) {
        Long slowest = query(sql.slowestSubscription).mapTo(Long.class).findOne().orElse(null);
        return update(sql.pruneFeed).bind("passed", slowest == null ? Long.MAX_VALUE : slowest)
                .bind("before", Times.toMicros(committedBefore)).bind("max", max).execute();
    }

    // ---- tickets ------------------------------------------------------------------------------

    @Override
    public Stored<TransactionTicket> findOrCreateTicket(TicketId id, String transactionId, Map<String, String> details,
                                                        Instant createdAt) {
        insertIgnoringDuplicate(sql.insertTicket, Map.of(
                "id", id.toString(),
                "transactionId", transactionId,
                "details", DetailsCodec.encode(details == null ? Map.of() : details),
                "createdAt", Times.toMicros(createdAt)));
        TransactionTicket ticket = selectTicket(transactionId)
                // only when the winning insert is not committed yet and the database did not wait for it
                .orElseThrow(() -> new RetryableConflictException("ticket of transaction " + transactionId));
        return new Stored<>(ticket, ticket.id().equals(id));
    }

    @Override
    public Optional<TransactionTicket> findTicket(String transactionId) {
        return selectTicket(transactionId).map(ticket -> {
            List<ConversationRow> rows = query(sql.selectConversationsOfTicket)
                    .bind("ticketId", ticket.id().toString())
                    .map(JdbiStoreTransaction::conversationRow)
                    .list();
            return ticket.withConversations(withParticipants(rows).stream()
                    .map(StoredConversation::conversation).toList());
        });
    }

    private Optional<TransactionTicket> selectTicket(String transactionId) {
        return query(sql.selectTicketByTransaction)
                .bind("transactionId", transactionId)
                .map((rs, ctx) -> new TransactionTicket(new TicketId(uuid(rs, "id")), rs.getString("transaction_id"),
                        DetailsCodec.decode(rs.getString("details")), instant(rs, "created_at"), List.of()))
                .findOne();
    }

    // ---- conversations ------------------------------------------------------------------------

    @Override
    public Stored<StoredConversation> createConversation(NewConversation newConversation) {
        Conversation c = newConversation.conversation();
        String liveKey = newConversation.liveKey();
        Map<String, Object> params = new HashMap<>();
        params.put("id", c.id().toString());
        params.put("kind", c.kind().name());
        params.put("ticketId", c.ticketId() == null ? null : c.ticketId().toString());
        params.put("transactionId", c.transactionId());
        params.put("organizationId", c.organizationId());
        params.put("subject", c.subject());
        params.put("status", c.status().name());
        params.put("liveKey", liveKey);
        params.put("createdAt", Times.toMicros(c.createdAt()));
        for (int attempt = 1; attempt <= LIVE_KEY_ATTEMPTS; attempt++) {
            insertIgnoringDuplicate(sql.insertConversation, params);
            String holder = liveKey == null
                    ? c.id().toString()
                    : query(sql.selectConversationIdByLiveKey).bind("liveKey", liveKey)
                            .mapTo(String.class).findOne().orElse(null);
            if (c.id().toString().equals(holder)) {
                // the insert holds the new row's lock until commit, and its count is zero
                lockedMessageCounts.put(holder, 0L);
                int joinOrder = 0;
                for (Participant p : c.participants()) {
                    insertParticipant(c.id(), p.id(), p.type(), p.userId(), p.organizationId(), p.joinedAt(), ++joinOrder);
                }
                counts.created(c);
                // what was just inserted: no counters, no message yet, active since creation
                return Stored.created(new StoredConversation(c, 0, 0, 0, c.createdAt(), null));
            }
            if (holder != null) {
                Optional<StoredConversation> existing = load(ConversationId.parse(holder));
                if (existing.isPresent()) {
                    return Stored.existing(existing.get());
                }
            }
            // the holder was deleted after our insert lost to it: the key is free again
        }
        throw new RetryableConflictException("live key " + liveKey);
    }

    @Override
    public Optional<StoredConversation> findConversation(ConversationId id) {
        return load(id);
    }

    @Override
    public Optional<StoredConversation> lockConversation(ConversationId id) {
        // lock first, then read: a read in the same statement as a lock wait could miss what the
        // transaction that held the lock committed
        if (lockRow(id).isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredConversation> locked = load(id);
        locked.ifPresent(c -> lockedMessageCounts.put(id.toString(), c.messageCount()));
        return locked;
    }

    @Override
    public Optional<StoredConversation> findLiveConversation(String liveKey) {
        Objects.requireNonNull(liveKey, "liveKey");
        return first(withParticipants(query(sql.selectConversationByLiveKey)
                .bind("liveKey", liveKey)
                .map(JdbiStoreTransaction::conversationRow)
                .list()));
    }

    @Override
    public boolean markDeleted(ConversationId id, Instant deletedAt) {
        // the update locks the row, which every participant change of this conversation also holds
        boolean deleted = update(sql.markDeleted)
                .bind("id", id.toString())
                .bind("deletedAt", Times.toMicros(deletedAt))
                .execute() == 1;
        if (deleted) {
            counts.deleted(id);
        }
        return deleted;
    }

    @Override
    public List<StoredConversation> listConversations(ConversationQuery query, ConversationKey bound, boolean forward,
                                                      int limit) {
        if (limit <= 0) {
            return List.of();
        }
        BoundSql page = sql.conversationPage(query, bound, forward, limit);
        return withParticipants(query(page.sql())
                .bindMap(page.params())
                .map(JdbiStoreTransaction::conversationRow)
                .list());
    }

    /**
     * From the maintained counters (at most 16 rows per scope, whatever the number of
     * conversations) for the queries {@link CountScopes} counts: staff unfiltered or filtered
     * by kind, participant id and/or participant type, and a business user's conversations,
     * by kind or not. The others (including deleted conversations, by transaction, a
     * business user also filtering by participant) count the matching rows.
     */
    @Override
    public long countConversations(ConversationQuery query) {
        java.util.OptionalLong counted = counts.count(query);
        if (counted.isPresent()) {
            return counted.getAsLong();
        }
        BoundSql count = sql.conversationCount(query);
        return query(count.sql()).bindMap(count.params()).mapTo(Long.class).one();
    }

    // ---- participants -------------------------------------------------------------------------

    @Override
    public Stored<Participant> addParticipant(ConversationId conversationId, ParticipantId id, ParticipantRef who,
                                              Instant joinedAt) {
        // the row lock serializes additions to this conversation, so the check below cannot race
        if (lockRow(conversationId).isEmpty()) {
            throw new IllegalStateException("conversation " + conversationId + " does not exist");
        }
        BoundSql find = sql.findActiveParticipant(conversationId.toString(), who.type(), who.userId(),
                who.organizationId());
        Optional<Participant> existing = query(find.sql()).bindMap(find.params())
                .map(JdbiStoreTransaction::participant).findFirst();
        if (existing.isPresent()) {
            return Stored.existing(existing.get());
        }
        int joinOrder = query(sql.nextJoinOrder)
                .bind("conversationId", conversationId.toString())
                .mapTo(Integer.class).one();
        insertParticipant(conversationId, id, who.type(), who.userId(), who.organizationId(), joinedAt, joinOrder);
        counts.added(conversationId, id);
        return Stored.created(new Participant(id, who.type(), who.userId(), who.organizationId(), joinedAt, null));
    }

    @Override
    public Optional<Participant> removeParticipant(ConversationId conversationId, ParticipantId participantId,
                                                   Instant leftAt) {
        // the row lock serializes participant changes of this conversation, so its counts are recounted in turn
        if (lockRow(conversationId).isEmpty()) {
            return Optional.empty();
        }
        int updated = update(sql.removeParticipant)
                .bind("id", participantId.toString())
                .bind("conversationId", conversationId.toString())
                .bind("leftAt", Times.toMicros(leftAt))
                .execute();
        if (updated == 0) {
            return Optional.empty();
        }
        Optional<Participant> removed = query(sql.selectParticipantById)
                .bind("id", participantId.toString())
                .bind("conversationId", conversationId.toString())
                .map(JdbiStoreTransaction::participant)
                .findOne();
        removed.ifPresent(p -> counts.removed(conversationId, p));
        return removed;
    }

    private void insertParticipant(ConversationId conversationId, ParticipantId id, ParticipantType type,
                                   String userId, String organizationId, Instant joinedAt, int joinOrder) {
        update(sql.insertParticipant)
                .bind("id", id.toString())
                .bind("conversationId", conversationId.toString())
                .bind("joinOrder", joinOrder)
                .bind("type", type.name())
                .bind("userId", userId)
                .bind("organizationId", organizationId)
                .bind("joinedAt", Times.toMicros(joinedAt))
                .execute();
    }

    // ---- messages -----------------------------------------------------------------------------

    @Override
    public Stored<Message> appendMessage(NewStoredMessage m) {
        String conversationId = m.conversationId().toString();
        // locking the conversation row serializes appends: the client-id check and the
        // sequence (message count + 1) cannot race
        long count = lockRow(m.conversationId())
                .orElseThrow(() -> new IllegalStateException("conversation " + conversationId + " does not exist"));
        if (m.clientMessageId() != null) {
            Optional<Message> existing = query(sql.selectMessageByClientId)
                    .bind("conversationId", conversationId)
                    .bind("clientMessageId", m.clientMessageId())
                    .map(JdbiStoreTransaction::message)
                    .findOne();
            if (existing.isPresent()) {
                return Stored.existing(existing.get());
            }
        }
        long seq = count + 1;
        String inOne = sql.appendInOneStatement(m.sentByType());
        update(inOne != null ? inOne : sql.insertMessage)
                .bind("id", m.id().toString())
                .bind("conversationId", conversationId)
                .bind("seq", seq)
                .bind("senderId", m.senderId().toString())
                .bind("sentByType", m.sentByType().name())
                .bind("authorUserId", m.authorUserId())
                .bind("body", m.body())
                .bind("clientMessageId", m.clientMessageId())
                .bind("createdAt", Times.toMicros(m.createdAt()))
                .execute();
        if (inOne == null) {
            update(sql.bumpAfterMessage(m.sentByType()))
                    .bind("seq", seq)
                    .bind("createdAt", Times.toMicros(m.createdAt()))
                    .bind("id", conversationId)
                    .execute();
        }
        lockedMessageCounts.put(conversationId, seq);
        return Stored.created(new Message(m.id(), m.conversationId(), seq, m.senderId(), m.sentByType(),
                m.authorUserId(), m.body(), m.createdAt(), null, m.clientMessageId()));
    }

    @Override
    public List<Message> listMessages(ConversationId conversationId, Long boundSequence, boolean forward, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        long bound = boundSequence != null ? boundSequence : forward ? 0L : Long.MAX_VALUE;
        return query(forward ? sql.messagesForward : sql.messagesBackward)
                .bind("conversationId", conversationId.toString())
                .bind("bound", bound)
                .bind("limit", limit)
                .map(JdbiStoreTransaction::message)
                .list();
    }

    @Override
    public int markRead(ConversationId conversationId, ParticipantType sentBy, Instant readAt) {
        // lock first: an append running concurrently must not slip between the update and the counter change
        if (lockRow(conversationId).isEmpty()) {
            return 0;
        }
        int marked = update(sql.markMessagesRead)
                .bind("readAt", Times.toMicros(readAt))
                .bind("conversationId", conversationId.toString())
                .bind("sentBy", sentBy.name())
                .execute();
        if (marked > 0) {
            update(sql.lowerUnread(sentBy))
                    .bind("marked", (long) marked)
                    .bind("id", conversationId.toString())
                    .execute();
        }
        return marked;
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Query query(String statement) {
        return Handles.query(handle, statement);
    }

    private Update update(String statement) {
        return Handles.update(handle, statement);
    }

    /** Locks the conversation row until the transaction ends; its message count, or empty if absent. */
    /** Locks the conversation row, unless this transaction holds its lock already; returns its message count. */
    private Optional<Long> lockRow(ConversationId id) {
        Long locked = lockedMessageCounts.get(id.toString());
        if (locked != null) {
            return Optional.of(locked);
        }
        Optional<Long> count = query(sql.lockConversation).bind("id", id.toString()).mapTo(Long.class).findOne();
        count.ifPresent(n -> lockedMessageCounts.put(id.toString(), n));
        return count;
    }

    /** One conversation with its counters, last message and participants, in one statement. */
    private Optional<StoredConversation> load(ConversationId id) {
        List<Map.Entry<ConversationRow, Optional<Participant>>> rows = query(sql.selectConversationWithParticipants)
                .bind("id", id.toString())
                .map((rs, ctx) -> Map.entry(conversationRow(rs, ctx), rs.getString("p_id") == null
                        ? Optional.<Participant>empty() : Optional.of(participant(rs, "p_"))))
                .list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Participant> participants = new ArrayList<>(rows.size());
        rows.forEach(row -> row.getValue().ifPresent(participants::add));
        return Optional.of(rows.get(0).getKey().toStored(participants));
    }

    private static Optional<StoredConversation> first(List<StoredConversation> list) {
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /** Attaches participants to conversation rows with one query for all of them. */
    private List<StoredConversation> withParticipants(List<ConversationRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Collection<String> ids = new LinkedHashSet<>();
        rows.forEach(r -> ids.add(r.id.toString()));
        Map<String, List<Participant>> byConversation = new HashMap<>();
        query(sql.selectParticipantsOf)
                .bindList("conversationIds", List.copyOf(ids))
                .map((rs, ctx) -> Map.entry(rs.getString("conversation_id"), participant(rs, ctx)))
                .list()
                .forEach(e -> byConversation.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        List<StoredConversation> result = new ArrayList<>(rows.size());
        for (ConversationRow r : rows) {
            result.add(r.toStored(byConversation.getOrDefault(r.id.toString(), List.of())));
        }
        return result;
    }

    /**
     * Runs an insert that must not fail on a taken unique key. On PostgreSQL and MariaDB the
     * statement itself ignores the duplicate; H2 raises it, and a failed statement there does
     * not spoil the transaction, so it is caught.
     */
    private void insertIgnoringDuplicate(String insert, Map<String, Object> params) {
        var update = update(insert);
        params.forEach((name, value) -> {
            if (value == null) {
                update.bindNull(name, java.sql.Types.VARCHAR);
            } else {
                update.bindByType(name, value, value.getClass());
            }
        });
        if (sql.dialect() != Dialect.H2) {
            update.execute();
            return;
        }
        try {
            update.execute();
        } catch (UnableToExecuteStatementException e) {
            if (!(e.getCause() instanceof SQLException se) || !"23505".equals(se.getSQLState())) {
                throw e;
            }
        }
    }

    // ---- mapping ------------------------------------------------------------------------------

    private static UUID uuid(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        return value == null ? null : UUID.fromString(value);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Times.fromMicros(micros);
    }

    static Participant participant(ResultSet rs, StatementContext ctx) throws SQLException {
        return participant(rs, "");
    }

    /** A participant from columns named {@code prefix + "id"}, {@code prefix + "participant_type"}, … */
    static Participant participant(ResultSet rs, String prefix) throws SQLException {
        return new Participant(new ParticipantId(uuid(rs, prefix + "id")),
                ParticipantType.valueOf(rs.getString(prefix + "participant_type")), rs.getString(prefix + "user_id"),
                rs.getString(prefix + "organization_id"), instant(rs, prefix + "joined_at"),
                instant(rs, prefix + "left_at"));
    }

    static Message message(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Message(new MessageId(uuid(rs, "id")), new ConversationId(uuid(rs, "conversation_id")),
                rs.getLong("seq"), new ParticipantId(uuid(rs, "sender_id")),
                ParticipantType.valueOf(rs.getString("sent_by_type")), rs.getString("author_user_id"),
                rs.getString("body"), instant(rs, "created_at"), instant(rs, "read_at"),
                rs.getString("client_message_id"));
    }

    static ConversationRow conversationRow(ResultSet rs, StatementContext ctx) throws SQLException {
        ConversationId id = new ConversationId(uuid(rs, "id"));
        UUID ticket = uuid(rs, "ticket_id");
        Message last = null;
        String lastId = rs.getString("m_id");
        if (lastId != null) {
            last = new Message(new MessageId(UUID.fromString(lastId)), id, rs.getLong("m_seq"),
                    new ParticipantId(uuid(rs, "m_sender_id")), ParticipantType.valueOf(rs.getString("m_sent_by_type")),
                    rs.getString("m_author_user_id"), rs.getString("m_body"), instant(rs, "m_created_at"),
                    instant(rs, "m_read_at"), rs.getString("m_client_message_id"));
        }
        return new ConversationRow(id, ConversationKind.valueOf(rs.getString("kind")),
                ticket == null ? null : new TicketId(ticket), rs.getString("transaction_id"),
                rs.getString("organization_id"), rs.getString("subject"),
                ConversationStatus.valueOf(rs.getString("status")), instant(rs, "created_at"),
                instant(rs, "last_activity_at"), rs.getLong("message_count"), rs.getLong("unread_from_service"),
                rs.getLong("unread_from_business"), last);
    }

    /** A conversation row before its participants are attached. */
    record ConversationRow(ConversationId id, ConversationKind kind, TicketId ticketId, String transactionId,
                           String organizationId, String subject, ConversationStatus status, Instant createdAt,
                           Instant lastActivityAt, long messageCount, long unreadFromService,
                           long unreadFromBusiness, Message lastMessage) {
        StoredConversation toStored(List<Participant> participants) {
            return new StoredConversation(new Conversation(id, kind, ticketId, transactionId, organizationId, subject,
                    status, createdAt, participants), messageCount, unreadFromService, unreadFromBusiness,
                    lastActivityAt, lastMessage);
        }
    }
}
