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
import java.sql.PreparedStatement;
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
import dev.txchat.core.MessageVersion;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;

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
    private final ParticipantsCache participantsCache;
    /**
     * Message counts of the conversation rows this transaction has locked, kept current as it
     * appends: a row locked once stays locked until commit, so appending needs no second lock.
     */
    private final Map<String, Long> lockedMessageCounts = new HashMap<>();

    /** Whether the unit of work runs inside a transaction its caller (the host) commits later. */
    private final boolean joined;

    /**
     * Conversations whose participants this transaction changed: their participants are read
     * from the database, never cached, until it ends (the change may still roll back).
     */
    private final java.util.Set<ConversationId> participantsChanged = new java.util.HashSet<>();

    /**
     * A message appended but not yet written: it is written with the unit of work's feed
     * entries in one statement where the database allows, else before any other statement.
     */
    private PendingAppend pending;

    private record PendingAppend(Map<String, Object> params, ParticipantType sentBy) {
    }


    /** The maintained conversation counts: changed with every conversation and participant change. */
    private final ConversationCounts counts;

    /** Regulated mode's operations, delegated to one line each. */
    private final JdbiRegulatedOperations regulated;

    /** Runs once the feed entries this unit of work appended are committed (wakes other nodes). */
    private final Runnable feedCommitted;
    private boolean appendedToFeed;

    public JdbiStoreTransaction(Handle handle, Sql sql, ParticipantsCache participantsCache, boolean joined,
                                Runnable feedCommitted) {
        this.handle = handle;
        this.feedCommitted = feedCommitted;
        this.sql = sql;
        this.participantsCache = participantsCache;
        this.joined = joined;
        this.counts = new ConversationCounts(handle, sql);
        this.regulated = new JdbiRegulatedOperations(handle, sql.regulated(), counts, this::flush);
    }

    /** Runs a unit of work and writes what it left pending, before its transaction commits. */
    public static <T> T run(java.util.function.Function<? super ChatStoreTransaction, T> work,
                            JdbiStoreTransaction tx) {
        T result = work.apply(tx);
        tx.flush();
        return result;
    }

    /** After the store committed this unit of work: wakes the feed's readers if it appended. */
    public void committed() {
        if (appendedToFeed && !joined) {
            feedCommitted.run();
        }
    }

    /** Writes what is still pending; the store calls it before committing. */
    public void flush() {
        PendingAppend append = pending;
        if (append == null) {
            return;
        }
        pending = null;
        String inOne = sql.appendMessage(append.sentBy());
        if (inOne == null) {
            bindAll(update(sql.insertMessage), append.params()).execute();
            bindAll(update(sql.bumpAfterMessage(append.sentBy())), append.params()).execute();
        } else if (runUpdate(inOne, append.params()) != 1) {
            // the row is locked by this transaction: it cannot have gone
            throw new IllegalStateException("conversation " + append.params().get("conversationId") + " vanished");
        }
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
        PendingAppend append = pending;
        String inOne = append == null ? null : sql.appendMessageWithFeed(append.sentBy(), records.size());
        if (inOne != null && !joined) {
            // the message, its counters and the feed entries in one round trip
            pending = null;
            Map<String, Object> params = new HashMap<>(append.params());
            for (int i = 0; i < records.size(); i++) {
                FeedRecord r = records.get(i);
                params.put("aggregateid" + i, r.conversationId().toString());
                params.put("type" + i, r.type());
                params.put("payload" + i, r.payload());
                params.put("audience" + i, r.audience());
                params.put("committedAt" + i, Times.toMicros(r.committedAt()));
            }
            appendedToFeed = true;
            if (runUpdate(inOne, params) != records.size()) {
                // the conversation row is locked by this transaction: it cannot have gone
                throw new IllegalStateException("conversation " + append.params().get("conversationId") + " vanished");
            }
            return;
        }
        Update insert;
        if (inOne != null) {
            // the message, its counters and the feed entries in one round trip
            pending = null;
            insert = bindAll(Handles.update(handle, inOne), append.params());
        } else {
            insert = update(sql.insertFeed(records.size()));
        }
        for (int i = 0; i < records.size(); i++) {
            FeedRecord r = records.get(i);
            insert.bind("aggregateid" + i, r.conversationId().toString())
                    .bind("type" + i, r.type())
                    .bind("payload" + i, r.payload())
                    .bind("audience" + i, r.audience())
                    .bind("committedAt" + i, Times.toMicros(r.committedAt()));
        }
        if (joined && !appendedToFeed) {
            // the host commits, or not: wake the readers only if it does
            handle.afterCommit(feedCommitted::run);
        }
        appendedToFeed = true;
        int inserted;
        if (joined) {
            List<Long> ids = insert.executeAndReturnGeneratedKeys("id").mapTo(Long.class).list();
            appendedFeedIds.addAll(ids);
            inserted = ids.size();
        } else {
            inserted = insert.execute();
        }
        if (inOne != null && inserted != records.size()) {
            // the conversation row is locked by this transaction: it cannot have gone
            throw new IllegalStateException("conversation " + append.params().get("conversationId") + " vanished");
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
        Map<String, String> stored = details == null ? Map.of() : details;
        Map<String, Object> params = Map.of(
                "id", id.toString(),
                "transactionId", transactionId,
                "details", DetailsCodec.encode(stored),
                "createdAt", Times.toMicros(createdAt));
        if (insertIgnoringDuplicate(sql.insertTicket, params) == Inserted.YES) {
            return Stored.created(new TransactionTicket(id, transactionId, stored, createdAt, List.of()));
        }
        TransactionTicket ticket = selectTicket(transactionId)
                // only when the winning insert is not committed yet and the database did not wait for it
                .orElseThrow(() -> new RetryableConflictException("ticket of transaction " + transactionId));
        return new Stored<>(ticket, ticket.id().equals(id));
    }

    @Override
    public Optional<TransactionTicket> findTicket(String transactionId) {
        // the ticket, its conversations, their newest messages and participants: one statement
        TransactionTicket[] ticket = {null};
        Map<ConversationId, ConversationRow> rows = new java.util.LinkedHashMap<>();
        Map<ConversationId, List<Participant>> participants = new HashMap<>();
        query(sql.selectTicketWithConversations).bind("transactionId", transactionId).map((rs, ctx) -> {
            if (ticket[0] == null) {
                ticket[0] = new TransactionTicket(new TicketId(uuid(rs, "t_id")), rs.getString("t_transaction_id"),
                        DetailsCodec.decode(rs.getString("t_details")), instant(rs, "t_created_at"), List.of());
            }
            if (rs.getString("id") != null) {
                ConversationId id = ConversationId.parse(rs.getString("id"));
                ConversationRow row = rows.get(id);
                if (row == null) {
                    row = conversationRow(rs, ctx);
                    rows.put(id, row);
                }
                List<Participant> list = participants.computeIfAbsent(row.id(), k -> new ArrayList<>());
                if (rs.getString("p_id") != null) {
                    list.add(participant(rs, "p_"));
                }
            }
            return Boolean.TRUE;
        }).list();
        if (ticket[0] == null) {
            return Optional.empty();
        }
        List<Conversation> conversations = new ArrayList<>(rows.size());
        for (ConversationRow row : rows.values()) {
            List<Participant> list = participants.getOrDefault(row.id(), List.of());
            cacheParticipants(row, list);
            conversations.add(row.toStored(list).conversation());
        }
        return Optional.of(ticket[0].withConversations(conversations));
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
        params.put("participantsVersion", newParticipantsVersion());
        for (int attempt = 1; attempt <= LIVE_KEY_ATTEMPTS; attempt++) {
            Inserted inserted = insertIgnoringDuplicate(sql.insertConversation, params);
            // ids are random: only the live key can be taken
            String holder = liveKey == null || inserted == Inserted.YES
                    ? c.id().toString()
                    : query(sql.selectConversationIdByLiveKey).bind("liveKey", liveKey)
                            .mapTo(String.class).findOne().orElse(null);
            if (c.id().toString().equals(holder)) {
                // the insert holds the new row's lock until commit, and its count is zero
                lockedMessageCounts.put(holder, 0L);
                participantsChanged.add(c.id());
                insertParticipants(c.id(), c.participants(), 1);
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
        return locked(sql.lockConversation, id.toString(), null);
    }

    /** One locking statement reads the row with its audit head and legal hold (columns of the row). */
    @Override
    public Optional<StoredConversation> lockConversationWithCompliance(ConversationId id) {
        ComplianceState[] compliance = {ComplianceState.NONE};
        return locked(sql.regulated().lockConversationWithCompliance, id.toString(),
                rs -> compliance[0] = JdbiRegulatedOperations.compliance(rs))
                .map(c -> c.withCompliance(compliance[0]));
    }

    @Override
    public Optional<StoredConversation> lockLiveConversation(String liveKey) {
        Objects.requireNonNull(liveKey, "liveKey");
        if (!sql.customization().locksByLiveKey()) {
            // look up, lock by primary key, re-check: a live key is only ever cleared by a delete
            return query(sql.selectConversationIdByLiveKey).bind("liveKey", liveKey).mapTo(String.class).findOne()
                    .flatMap(id -> lockConversation(ConversationId.parse(id)))
                    .filter(c -> !c.conversation().isDeleted());
        }
        // one locking read by key: a delete that committed while it waited has cleared the key,
        // and the row is then not returned
        return locked(sql.lockLiveConversation, liveKey, null)
                .filter(c -> !c.conversation().isDeleted());
    }

    /**
     * Runs a locking read of one conversation row ({@code key} its only parameter), then
     * attaches its participants: from the cache when the locked row's version matches, else
     * read (under the lock, so consistent with that version) and cached. The newest message is
     * not loaded: writers never need it. {@code alsoRead}, if any, reads the statement's further
     * columns from the same row.
     */
    private Optional<StoredConversation> locked(String lockingRead, String key, AlsoRead alsoRead) {
        flush();
        ConversationRow r;
        // plain JDBC, mapped by column index: see runUpdate
        try (PreparedStatement ps = handle.getConnection().prepareStatement(sql.positional(lockingRead).sql())) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                r = lockedRow(rs);
                if (alsoRead != null) {
                    alsoRead.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
        lockedMessageCounts.put(r.id().toString(), r.messageCount());
        List<Participant> participants = participantsChanged.contains(r.id())
                ? null : participantsCache.get(r.id(), r.participantsVersion());
        if (participants == null) {
            participants = query(sql.selectParticipants).bind("conversationId", r.id().toString())
                    .map(JdbiStoreTransaction::participant).list();
            cacheParticipants(r, participants);
        }
        return Optional.of(r.toStored(participants));
    }

    /** Reads more columns of a locked row. */
    @FunctionalInterface
    private interface AlsoRead {
        void read(ResultSet rs) throws SQLException;
    }

    @Override
    public Optional<StoredConversation> findLiveConversation(String liveKey) {
        Objects.requireNonNull(liveKey, "liveKey");
        return query(sql.selectConversationIdByLiveKey).bind("liveKey", liveKey).mapTo(String.class).findOne()
                .flatMap(id -> load(ConversationId.parse(id)));
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
        Participant added = new Participant(id, who.type(), who.userId(), who.organizationId(), joinedAt, null);
        insertParticipants(conversationId, List.of(added), joinOrder);
        participantsChanged(conversationId);
        counts.added(conversationId, id);
        return Stored.created(added);
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
        participantsChanged(conversationId);
        Optional<Participant> removed = query(sql.selectParticipantById)
                .bind("id", participantId.toString())
                .bind("conversationId", conversationId.toString())
                .map(JdbiStoreTransaction::participant)
                .findOne();
        removed.ifPresent(p -> counts.removed(conversationId, p));
        return removed;
    }

    /** Gives the conversation's participants a new version, so no node uses a list cached before. */
    private void participantsChanged(ConversationId conversationId) {
        participantsChanged.add(conversationId);
        update(sql.changeParticipantsVersion).bind("participantsVersion", newParticipantsVersion())
                .bind("id", conversationId.toString()).execute();
    }

    private static long newParticipantsVersion() {
        return java.util.concurrent.ThreadLocalRandom.current().nextLong();
    }

    /** Inserts participants in one statement, joining in list order from {@code firstJoinOrder}. */
    private void insertParticipants(ConversationId conversationId, List<Participant> participants, int firstJoinOrder) {
        if (participants.isEmpty()) {
            return;
        }
        Update insert = update(sql.insertParticipants(participants.size()))
                .bind("conversationId", conversationId.toString());
        for (int i = 0; i < participants.size(); i++) {
            Participant p = participants.get(i);
            insert.bind("id" + i, p.id().toString())
                    .bind("joinOrder" + i, firstJoinOrder + i)
                    .bind("type" + i, p.type().name())
                    .bind("userId" + i, p.userId())
                    .bind("organizationId" + i, p.organizationId())
                    .bind("joinedAt" + i, Times.toMicros(p.joinedAt()));
        }
        insert.execute();
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
        flush();
        long seq = count + 1;
        Map<String, Object> params = new HashMap<>();
        params.put("id", m.id().toString());
        params.put("conversationId", conversationId);
        params.put("seq", seq);
        params.put("senderId", m.senderId().toString());
        params.put("sentByType", m.sentByType().name());
        params.put("authorUserId", m.authorUserId());
        params.put("body", m.body());
        params.put("clientMessageId", m.clientMessageId());
        params.put("createdAt", Times.toMicros(m.createdAt()));
        // written with the feed entries that follow it, or before the next statement
        pending = new PendingAppend(params, m.sentByType());
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

    // ---- regulated mode (JdbiRegulatedOperations) -----------------------------------------------

    @Override
    public ComplianceState complianceState(ConversationId id) {
        return regulated.complianceState(id);
    }

    @Override
    public void appendAudit(List<AuditRecord> entries) {
        regulated.appendAudit(entries);
    }

    @Override
    public List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
        return regulated.readAudit(conversationId, afterSequence, limit);
    }

    @Override
    public List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
        return regulated.auditOfMessages(conversationId, messageIds);
    }

    @Override
    public Optional<Message> findMessage(ConversationId conversationId, MessageId messageId) {
        return regulated.findMessage(conversationId, messageId);
    }

    @Override
    public Optional<Message> editMessage(ConversationId conversationId, MessageId messageId, String body,
                                         Instant editedAt) {
        return regulated.editMessage(conversationId, messageId, body, editedAt);
    }

    @Override
    public Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId, Instant redactedAt,
                                           boolean keepContent) {
        return regulated.redactMessage(conversationId, messageId, redactedAt, keepContent);
    }

    @Override
    public List<MessageVersion> messageVersions(ConversationId conversationId, Collection<MessageId> messageIds) {
        return regulated.messageVersions(conversationId, messageIds);
    }

    @Override
    public boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
        return regulated.placeLegalHold(conversationId, hold);
    }

    @Override
    public Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
        return regulated.releaseLegalHold(conversationId);
    }

    @Override
    public List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
        return regulated.purgeCandidates(createdBefore, after, limit);
    }

    @Override
    public PurgedMessages purgeMessages(ConversationId conversationId, Instant createdBefore, int max) {
        return regulated.purgeMessages(conversationId, createdBefore, max);
    }

    @Override
    public int purgeAudit(ConversationId conversationId, long throughSequence) {
        return regulated.purgeAudit(conversationId, throughSequence);
    }

    @Override
    public boolean restrictProcessing(String userId, Instant since) {
        return regulated.restrictProcessing(userId, since);
    }

    @Override
    public Set<String> restrictedAmong(Collection<String> userIds) {
        return regulated.restrictedAmong(userIds);
    }

    @Override
    public List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId, int limit) {
        return regulated.restrictionsToPseudonymise(sinceBefore, afterUserId, limit);
    }

    @Override
    public int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
        return regulated.pseudonymise(userId, pseudonym, maxRows, at);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A query, after writing any pending append so that the query sees it. */
    private Query query(String statement) {
        flush();
        return Handles.query(handle, statement);
    }

    /** An update, after writing any pending append so that writes keep their order. */
    private Update update(String statement) {
        flush();
        return Handles.update(handle, statement);
    }

    private static Update bindAll(Update update, Map<String, Object> params) {
        params.forEach((name, value) -> {
            if (value == null) {
                update.bindNull(name, java.sql.Types.VARCHAR);
            } else {
                update.bindByType(name, value, value.getClass());
            }
        });
        return update;
    }

    /**
     * Runs one of the hot path's writes as a plain {@link PreparedStatement} on the
     * transaction's connection, parameters bound by position from {@code params} (by the names
     * in the statement's text): JDBI's per-statement setup, named binding and by-name mapping
     * were a fifth of an H2 post in a profile. The text is still the one in {@link Sql}.
     * Nothing is pending when it runs (the caller took the pending append).
     */
    private int runUpdate(String statement, Map<String, Object> params) {
        PositionalSql positional = sql.positional(statement);
        try (PreparedStatement ps = handle.getConnection().prepareStatement(positional.sql())) {
            List<String> names = positional.names();
            for (int i = 0; i < names.size(); i++) {
                Object value = params.get(names.get(i));
                if (value == null) {
                    if (!params.containsKey(names.get(i))) {
                        throw new IllegalArgumentException("no value for :" + names.get(i));
                    }
                    ps.setNull(i + 1, java.sql.Types.VARCHAR);
                } else if (value instanceof String v) {
                    ps.setString(i + 1, v);
                } else if (value instanceof Long v) {
                    ps.setLong(i + 1, v);
                } else if (value instanceof Integer v) {
                    ps.setInt(i + 1, v);
                } else {
                    throw new IllegalArgumentException("unexpected " + value.getClass() + " for :" + names.get(i));
                }
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }

    /** Locks the conversation row, unless this transaction holds its lock already; returns its message count. */
    private Optional<Long> lockRow(ConversationId id) {
        Long locked = lockedMessageCounts.get(id.toString());
        if (locked != null) {
            return Optional.of(locked);
        }
        return lockConversation(id).map(StoredConversation::messageCount);
    }

    /** One conversation with its counters and newest message; participants as {@link #withParticipants}. */
    private Optional<StoredConversation> load(ConversationId id) {
        Optional<ConversationRow> row = query(sql.selectConversation).bind("id", id.toString())
                .map(JdbiStoreTransaction::conversationRow).findOne();
        return row.map(r -> withParticipants(List.of(r)).get(0));
    }

    /**
     * Attaches participants to conversation rows: from the cache where the row's version
     * matches, the rest with one query for all of them (which reads the versions it caches
     * in the same statement).
     */
    private List<StoredConversation> withParticipants(List<ConversationRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<ConversationId, List<Participant>> byConversation = new HashMap<>();
        Collection<String> missing = new LinkedHashSet<>();
        for (ConversationRow r : rows) {
            List<Participant> cached = participantsChanged.contains(r.id())
                    ? null : participantsCache.get(r.id(), r.participantsVersion());
            if (cached != null) {
                byConversation.put(r.id(), cached);
            } else {
                missing.add(r.id().toString());
            }
        }
        if (!missing.isEmpty()) {
            Map<ConversationId, Long> versions = new HashMap<>();
            Map<ConversationId, List<Participant>> found = new HashMap<>();
            Query read = missing.size() == 1
                    ? query(sql.selectParticipants).bind("conversationId", missing.iterator().next())
                    : query(sql.selectParticipantsOf).bindList("conversationIds", List.copyOf(missing));
            read.map((rs, ctx) -> {
                        ConversationId conversation = ConversationId.parse(rs.getString("conversation_id"));
                        versions.put(conversation, rs.getLong("participants_version"));
                        found.computeIfAbsent(conversation, k -> new ArrayList<>()).add(participant(rs, ctx));
                        return Boolean.TRUE;
                    })
                    .list();
            found.forEach((conversation, list) -> {
                if (!participantsChanged.contains(conversation)) {
                    participantsCache.put(conversation, versions.get(conversation), list);
                }
            });
            byConversation.putAll(found);
        }
        List<StoredConversation> result = new ArrayList<>(rows.size());
        for (ConversationRow r : rows) {
            result.add(r.toStored(byConversation.getOrDefault(r.id(), List.of())));
        }
        return result;
    }

    private void cacheParticipants(ConversationRow row, List<Participant> participants) {
        if (!participantsChanged.contains(row.id())) {
            participantsCache.put(row.id(), row.participantsVersion(), participants);
        }
    }

    /** Whether an insert that ignores duplicates inserted its row; UNKNOWN where the database does not say. */
    private enum Inserted { YES, NO, UNKNOWN }

    /**
     * Runs an insert that must not fail on a taken unique key (see
     * {@link JdbcCustomization#insertIgnoringDuplicates}).
     */
    private Inserted insertIgnoringDuplicate(String insert, Map<String, Object> params) {
        return switch (sql.customization().executeIgnoringDuplicate(bindAll(update(insert), params))) {
            case 1 -> Inserted.YES;
            case 0 -> Inserted.NO;
            default -> Inserted.UNKNOWN;
        };
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
                rs.getString("client_message_id"), instant(rs, "edited_at"), instant(rs, "redacted_at"));
    }

    /**
     * A conversation row read by {@link Sql#lockConversation} or {@link Sql#lockLiveConversation},
     * by column index in their select list's order; no joined message.
     */
    private static ConversationRow lockedRow(ResultSet rs) throws SQLException {
        ConversationId id = ConversationId.parse(rs.getString(1));
        String ticket = rs.getString(3);
        return new ConversationRow(id, ConversationKind.valueOf(rs.getString(2)),
                ticket == null ? null : new TicketId(UUID.fromString(ticket)), rs.getString(4), rs.getString(5),
                rs.getString(6), ConversationStatus.valueOf(rs.getString(7)), Times.fromMicros(rs.getLong(8)),
                Times.fromMicros(rs.getLong(9)), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), null);
    }

    /** A conversation row with its newest message (columns {@code m_*}). */
    static ConversationRow conversationRow(ResultSet rs, StatementContext ctx) throws SQLException {
        ConversationId id = new ConversationId(uuid(rs, "id"));
        UUID ticket = uuid(rs, "ticket_id");
        Message last = null;
        String lastId = rs.getString("m_id");
        if (lastId != null) {
            last = new Message(new MessageId(UUID.fromString(lastId)), id, rs.getLong("m_seq"),
                    new ParticipantId(uuid(rs, "m_sender_id")), ParticipantType.valueOf(rs.getString("m_sent_by_type")),
                    rs.getString("m_author_user_id"), rs.getString("m_body"), instant(rs, "m_created_at"),
                    instant(rs, "m_read_at"), rs.getString("m_client_message_id"), instant(rs, "m_edited_at"),
                    instant(rs, "m_redacted_at"));
        }
        return new ConversationRow(id, ConversationKind.valueOf(rs.getString("kind")),
                ticket == null ? null : new TicketId(ticket), rs.getString("transaction_id"),
                rs.getString("organization_id"), rs.getString("subject"),
                ConversationStatus.valueOf(rs.getString("status")), instant(rs, "created_at"),
                instant(rs, "last_activity_at"), rs.getLong("message_count"), rs.getLong("unread_from_service"),
                rs.getLong("unread_from_business"), rs.getLong("participants_version"), last);
    }

    /** A conversation row before its participants are attached. */
    record ConversationRow(ConversationId id, ConversationKind kind, TicketId ticketId, String transactionId,
                           String organizationId, String subject, ConversationStatus status, Instant createdAt,
                           Instant lastActivityAt, long messageCount, long unreadFromService,
                           long unreadFromBusiness, long participantsVersion, Message lastMessage) {
        StoredConversation toStored(List<Participant> participants) {
            return new StoredConversation(new Conversation(id, kind, ticketId, transactionId, organizationId, subject,
                    status, createdAt, participants), messageCount, unreadFromService, unreadFromBusiness,
                    lastActivityAt, lastMessage);
        }
    }
}
