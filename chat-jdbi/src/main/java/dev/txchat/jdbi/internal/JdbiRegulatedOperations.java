package dev.txchat.jdbi.internal;

import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/**
 * The regulated-mode operations of {@link JdbiStoreTransaction} (message versions and
 * tombstones, the audit chain, legal holds, purges, processing restrictions), which it
 * delegates to one line each. Every call runs a bounded number of statements whatever the
 * conversation's size, reads keyset pages, and binds every value. Used by the one thread of
 * its unit of work.
 */
final class JdbiRegulatedOperations {
    /** The most message ids the SPI passes in one list; more is a caller's bug. */
    private static final int MAX_IDS = 1000;

    private final Handle handle;
    private final RegulatedSql sql;
    /** The maintained conversation counts, which count business users by user id. */
    private final ConversationCounts counts;
    /** Writes the transaction's pending message append, so that a statement sees it. */
    private final Runnable flushPending;

    JdbiRegulatedOperations(Handle handle, RegulatedSql sql, ConversationCounts counts, Runnable flushPending) {
        this.handle = handle;
        this.sql = sql;
        this.counts = counts;
        this.flushPending = flushPending;
    }

    private Query query(String statement) {
        flushPending.run();
        return Handles.query(handle, statement);
    }

    private Update update(String statement) {
        flushPending.run();
        return Handles.update(handle, statement);
    }

    // ---- audit chain ------------------------------------------------------------------------------

    ComplianceState complianceState(ConversationId id) {
        return query(sql.selectCompliance).bind("id", id.toString())
                .map((rs, ctx) -> compliance(rs)).findOne().orElse(ComplianceState.NONE);
    }

    /** The compliance columns of a conversation row read by {@link RegulatedSql#lockConversationWithCompliance}. */
    static ComplianceState compliance(ResultSet rs) throws SQLException {
        Instant placedAt = instant(rs, "legal_hold_placed_at");
        LegalHold hold = placedAt == null ? null
                : new LegalHold(rs.getString("legal_hold_reason"), placedAt, rs.getString("legal_hold_placed_by"));
        return new ComplianceState(rs.getLong("audit_head_seq"), rs.getString("audit_head_hash"), hold);
    }

    /**
     * One statement per conversation (in practice one): the entries and the head (MariaDB: two,
     * see {@link JdbcCustomization#auditInsertMovesHead()}). It writes no
     * pending message first: the entries do not refer to it, and on PostgreSQL the message is
     * then written with the feed entries that follow, in one statement.
     */
    void appendAudit(List<AuditRecord> entries) {
        Map<ConversationId, List<AuditRecord>> byConversation = new LinkedHashMap<>();
        for (AuditRecord r : entries) {
            byConversation.computeIfAbsent(r.conversationId(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<ConversationId, List<AuditRecord>> chain : byConversation.entrySet()) {
            List<AuditRecord> rows = chain.getValue();
            String statement = sql.appendAudit(rows.size());
            Update insert = Handles.update(handle, statement);
            for (int i = 0; i < rows.size(); i++) {
                AuditRecord r = rows.get(i);
                insert.bind("conversationId" + i, r.conversationId().toString())
                        .bind("seq" + i, r.sequence())
                        .bind("action" + i, r.action())
                        .bind("messageId" + i, r.messageId() == null ? null : r.messageId().toString())
                        .bind("recordedAt" + i, Times.toMicros(r.at()))
                        .bind("entry" + i, r.entry())
                        .bind("previousHash" + i, r.previousHash())
                        .bind("hash" + i, r.hash());
            }
            AuditRecord head = rows.get(rows.size() - 1);
            if (statement.contains(":headConversationId")) {
                insert.bind("headSeq", head.sequence()).bind("headHash", head.hash())
                        .bind("headConversationId", chain.getKey().toString());
            }
            insert.execute();
            if (!sql.customization().auditInsertMovesHead()) {
                Handles.update(handle, sql.moveAuditHead).bind("headSeq", head.sequence())
                        .bind("headHash", head.hash()).bind("headConversationId", chain.getKey().toString())
                        .execute();
            }
        }
    }

    List<AuditRecord> readAudit(ConversationId conversationId, long afterSequence, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return query(sql.readAudit).bind("conversationId", conversationId.toString()).bind("after", afterSequence)
                .bind("limit", limit).map((rs, ctx) -> auditRecord(rs)).list();
    }

    List<AuditRecord> auditOfMessages(ConversationId conversationId, Collection<MessageId> messageIds) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        return query(sql.auditOfMessages).bind("conversationId", conversationId.toString())
                .bindList("messageIds", ids(messageIds)).map((rs, ctx) -> auditRecord(rs)).list();
    }

    private static AuditRecord auditRecord(ResultSet rs) throws SQLException {
        String messageId = rs.getString("message_id");
        return new AuditRecord(ConversationId.parse(rs.getString("conversation_id")), rs.getLong("seq"),
                rs.getString("action"), messageId == null ? null : new MessageId(UUID.fromString(messageId)),
                instant(rs, "recorded_at"), rs.getString("entry"), rs.getString("previous_hash"),
                rs.getString("hash"));
    }

    // ---- messages ---------------------------------------------------------------------------------

    Optional<Message> findMessage(ConversationId conversationId, MessageId messageId) {
        return query(sql.findMessage).bind("conversationId", conversationId.toString())
                .bind("messageId", messageId.toString()).map(JdbiStoreTransaction::message).findOne();
    }

    Optional<Message> editMessage(ConversationId conversationId, MessageId messageId, String body, Instant editedAt) {
        if (!keepVersion(conversationId, messageId, editedAt)) {
            return Optional.empty();
        }
        update(sql.replaceBody).bind("body", body).bind("editedAt", Times.toMicros(editedAt))
                .bind("messageId", messageId.toString()).bind("conversationId", conversationId.toString()).execute();
        return findMessage(conversationId, messageId);
    }

    Optional<Message> redactMessage(ConversationId conversationId, MessageId messageId, Instant redactedAt,
                                    boolean keepContent) {
        if (keepContent) {
            if (!keepVersion(conversationId, messageId, redactedAt)) {
                return Optional.empty();
            }
        } else {
            update(sql.eraseVersions).bind("messageId", messageId.toString())
                    .bind("conversationId", conversationId.toString()).execute();
        }
        int changed = update(sql.makeTombstone).bind("redactedAt", Times.toMicros(redactedAt))
                .bind("messageId", messageId.toString()).bind("conversationId", conversationId.toString()).execute();
        return changed == 0 ? Optional.empty() : findMessage(conversationId, messageId);
    }

    /** Stores the message's current body as a superseded version; false if there is no such message. */
    private boolean keepVersion(ConversationId conversationId, MessageId messageId, Instant supersededAt) {
        return update(sql.insertSupersededVersion).bind("supersededAt", Times.toMicros(supersededAt))
                .bind("messageId", messageId.toString()).bind("conversationId", conversationId.toString())
                .execute() == 1;
    }

    List<MessageVersion> messageVersions(ConversationId conversationId, Collection<MessageId> messageIds) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        return query(sql.messageVersions).bind("conversationId", conversationId.toString())
                .bindList("messageIds", ids(messageIds))
                .map((rs, ctx) -> new MessageVersion(new MessageId(UUID.fromString(rs.getString("message_id"))),
                        rs.getInt("number"), rs.getString("body"), instant(rs, "written_at"),
                        instant(rs, "superseded_at"), false))
                .list();
    }

    // ---- legal holds and purges -------------------------------------------------------------------

    boolean placeLegalHold(ConversationId conversationId, LegalHold hold) {
        return update(sql.placeLegalHold).bind("reason", hold.reason())
                .bind("placedAt", Times.toMicros(hold.placedAt())).bind("placedBy", hold.placedBy())
                .bind("id", conversationId.toString()).execute() == 1;
    }

    Optional<LegalHold> releaseLegalHold(ConversationId conversationId) {
        // the caller holds the row's lock: the hold read is the one released
        LegalHold hold = complianceState(conversationId).legalHold();
        if (hold == null) {
            return Optional.empty();
        }
        update(sql.releaseLegalHold).bind("id", conversationId.toString()).execute();
        return Optional.of(hold);
    }

    List<ConversationId> purgeCandidates(Instant createdBefore, ConversationId after, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        // ids are UUID strings: every one sorts above the empty string
        return query(sql.purgeCandidates).bind("after", after == null ? "" : after.toString())
                .bind("createdBefore", Times.toMicros(createdBefore)).bind("limit", limit)
                .map((rs, ctx) -> ConversationId.parse(rs.getString("id"))).list();
    }

    PurgedMessages purgeMessages(ConversationId conversationId, Instant createdBefore, int max) {
        if (max <= 0) {
            return PurgedMessages.NONE;
        }
        List<String> ids = new ArrayList<>();
        long[] unread = new long[2];
        long[] highest = {0};
        query(sql.oldestMessagesBefore).bind("conversationId", conversationId.toString())
                .bind("createdBefore", Times.toMicros(createdBefore)).bind("max", max)
                .map((rs, ctx) -> {
                    ids.add(rs.getString("id"));
                    highest[0] = Math.max(highest[0], rs.getLong("seq"));
                    rs.getLong("read_at");
                    if (rs.wasNull()) {
                        unread[ParticipantType.valueOf(rs.getString("sent_by_type")) == ParticipantType.SERVICE
                                ? 0 : 1]++;
                    }
                    return Boolean.TRUE;
                }).list();
        if (ids.isEmpty()) {
            return PurgedMessages.NONE;
        }
        update(sql.deleteVersionsOfMessages).bindList("messageIds", ids).execute();
        update(sql.deleteMessages).bind("conversationId", conversationId.toString()).bindList("messageIds", ids)
                .execute();
        if (unread[0] + unread[1] > 0) {
            update(sql.lowerUnreadAfterPurge).bind("service", unread[0]).bind("business", unread[1])
                    .bind("id", conversationId.toString()).execute();
        }
        return new PurgedMessages(ids.size(), highest[0]);
    }

    int purgeAudit(ConversationId conversationId, long throughSequence) {
        return update(sql.purgeAudit).bind("conversationId", conversationId.toString())
                .bind("through", throughSequence).execute();
    }

    // ---- processing restriction -------------------------------------------------------------------

    boolean restrictProcessing(String userId, Instant since) {
        if (query(sql.selectRestriction).bind("userId", userId).mapTo(Long.class).findOne().isPresent()) {
            return false;
        }
        Update insert = update(sql.insertRestriction).bind("userId", userId).bind("since", Times.toMicros(since));
        // -1 (MariaDB cannot tell): the row was absent a moment ago, so the insert is taken as ours
        return sql.customization().executeIgnoringDuplicate(insert) != 0;
    }

    Set<String> restrictedAmong(Collection<String> userIds) {
        List<String> distinct = userIds.stream().filter(java.util.Objects::nonNull).distinct().toList();
        if (distinct.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(query(sql.restrictedAmong).bindList("userIds", distinct).mapTo(String.class).list());
    }

    List<ProcessingRestriction> restrictionsToPseudonymise(Instant sinceBefore, String afterUserId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        // user ids are never empty (the core validates them), so "" starts before the first one
        return query(sql.restrictionsToPseudonymise).bind("after", afterUserId == null ? "" : afterUserId)
                .bind("sinceBefore", Times.toMicros(sinceBefore)).bind("limit", limit)
                .map((rs, ctx) -> new ProcessingRestriction(rs.getString("user_id"), instant(rs, "since"),
                        instant(rs, "pseudonymised_at")))
                .list();
    }

    /**
     * Messages first, then participants, each a keyset-free page of at most the rows left:
     * every renamed row leaves the page's condition, so the next call finds the rest.
     */
    int pseudonymise(String userId, String pseudonym, int maxRows, Instant at) {
        int budget = maxRows;
        int changed = 0;
        List<String> messages = budget <= 0 ? List.of() : query(sql.messagesByAuthor).bind("userId", userId)
                .bind("max", budget).mapTo(String.class).list();
        if (!messages.isEmpty()) {
            changed += update(sql.renameAuthor).bind("pseudonym", pseudonym).bind("userId", userId)
                    .bindList("ids", messages).execute();
        }
        int left = budget - messages.size();
        if (left > 0) {
            List<String> participants = new ArrayList<>();
            Set<String> conversations = new LinkedHashSet<>();
            query(sql.participantsByUser).bind("userId", userId).bind("max", left).map((rs, ctx) -> {
                participants.add(rs.getString("id"));
                conversations.add(rs.getString("conversation_id"));
                return Boolean.TRUE;
            }).list();
            if (!participants.isEmpty()) {
                // locked in id order, as a participant change would lock each: the counts move with the names
                List<String> locked = query(sql.lockConversations).bindList("ids", List.copyOf(conversations))
                        .mapTo(String.class).list();
                Map<ConversationId, Set<CountScopes.Key>> before = new LinkedHashMap<>();
                for (String id : locked) {
                    ConversationId conversation = ConversationId.parse(id);
                    before.put(conversation, counts.scopes(conversation));
                }
                changed += update(sql.renameParticipants).bind("pseudonym", pseudonym).bind("userId", userId)
                        .bindList("ids", participants).execute();
                update(sql.changeParticipantsVersions)
                        .bind("participantsVersion", ThreadLocalRandom.current().nextLong())
                        .bindList("ids", locked).execute();
                before.forEach(counts::recount);
            }
        }
        if (changed < maxRows) {
            update(sql.markPseudonymised).bind("at", Times.toMicros(at)).bind("userId", userId).execute();
        }
        return changed;
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static List<String> ids(Collection<MessageId> messageIds) {
        if (messageIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("at most " + MAX_IDS + " message ids, got " + messageIds.size());
        }
        return messageIds.stream().map(MessageId::toString).distinct().toList();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Times.fromMicros(micros);
    }
}
