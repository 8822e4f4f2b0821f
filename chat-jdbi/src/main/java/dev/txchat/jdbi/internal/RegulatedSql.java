package dev.txchat.jdbi.internal;

/**
 * The statements of regulated mode (message versions, the audit chain, legal holds, purges,
 * processing restrictions; issue 13), for one dialect and table prefix, written as {@link Sql}
 * writes its own: literal text with {@code {p}} for the table prefix, every value bound, the
 * few that differ per database from the dialect's {@link JdbcCustomization}. Kept apart from
 * {@link Sql} so the write path's statements and these change independently. Immutable and
 * thread-safe.
 */
public final class RegulatedSql {

    /** A message's columns as {@link JdbiStoreTransaction#message} maps them. */
    private static final String MESSAGE_COLUMNS = "id, conversation_id, seq, sender_id, sent_by_type, author_user_id,"
            + " body, client_message_id, created_at, read_at, edited_at, redacted_at";
    private static final String AUDIT_COLUMNS = "conversation_id, seq, action, message_id, recorded_at, entry,"
            + " previous_hash, hash";

    private final JdbcCustomization customization;
    private final String prefix;

    /**
     * Locks a conversation row and returns its own columns with the audit head and legal hold,
     * which are columns of the row too: a locking read that waited re-reads only the locked row
     * (PostgreSQL), so a subquery on the audit table would answer from before the wait. Params id.
     */
    public final String lockConversationWithCompliance;
    /** The audit head and legal hold of a conversation, not locked. Params id. */
    final String selectCompliance;
    /** A keyset page of a conversation's audit chain. Params conversationId, after, limit. Tests EXPLAIN it. */
    public final String readAudit;
    /** The audit entries naming some messages. Params conversationId, list messageIds. */
    public final String auditOfMessages;
    /** One message by id within its conversation. Params conversationId, messageId. */
    final String findMessage;
    /**
     * Stores a message's current body as its next superseded version, numbered after the ones
     * stored, written when it was last edited or else posted. Params conversationId, messageId,
     * supersededAt.
     */
    final String insertSupersededVersion;
    final String replaceBody;
    final String makeTombstone;
    /** Removes a message's stored versions (a redaction outside regulated mode erases every text). */
    final String eraseVersions;
    /** Stored versions of some messages, by message sequence then number. Params conversationId, list messageIds. */
    final String messageVersions;
    final String placeLegalHold;
    final String releaseLegalHold;
    /** Conversations old enough to purge and not held, keyset by id. Params createdBefore, after, limit. */
    public final String purgeCandidates;
    /** A conversation's oldest messages created before a time. Params conversationId, createdBefore, max. */
    public final String oldestMessagesBefore;
    final String deleteVersionsOfMessages;
    final String deleteMessages;
    final String lowerUnreadAfterPurge;
    final String purgeAudit;
    final String insertRestriction;
    final String selectRestriction;
    final String restrictedAmong;
    /** Restrictions awaiting pseudonymisation, keyset by user id. Params sinceBefore, after, limit. */
    public final String restrictionsToPseudonymise;
    final String messagesByAuthor;
    final String renameAuthor;
    final String participantsByUser;
    final String renameParticipants;
    final String changeParticipantsVersions;
    /** Locks conversation rows in id order. Params list ids. */
    final String lockConversations;
    final String markPseudonymised;
    /** Moves a conversation's audit head. Params headSeq, headHash, headConversationId. */
    final String moveAuditHead;

    RegulatedSql(JdbcCustomization customization, String prefix) {
        this.customization = customization;
        this.prefix = prefix;

        lockConversationWithCompliance = t("SELECT id, kind, ticket_id, transaction_id, organization_id, subject,"
                + " status, created_at, last_activity_at, message_count, unread_from_service, unread_from_business,"
                + " participants_version, audit_head_seq, audit_head_hash, legal_hold_reason, legal_hold_placed_at,"
                + " legal_hold_placed_by FROM {p}conversations WHERE id = :id FOR UPDATE");
        selectCompliance = t("SELECT audit_head_seq, audit_head_hash, legal_hold_reason, legal_hold_placed_at,"
                + " legal_hold_placed_by FROM {p}conversations WHERE id = :id");
        readAudit = t("SELECT " + AUDIT_COLUMNS + " FROM {p}audit WHERE conversation_id = :conversationId"
                + " AND seq > :after ORDER BY seq LIMIT :limit");
        auditOfMessages = t("SELECT " + AUDIT_COLUMNS + " FROM {p}audit WHERE conversation_id = :conversationId"
                + " AND message_id IN (<messageIds>) ORDER BY seq");
        findMessage = t("SELECT " + MESSAGE_COLUMNS + " FROM {p}messages"
                + " WHERE id = :messageId AND conversation_id = :conversationId");
        insertSupersededVersion = t("INSERT INTO {p}message_versions (message_id, number, conversation_id, body,"
                + " written_at, superseded_at) SELECT m.id, COALESCE((SELECT MAX(v.number) FROM {p}message_versions v"
                + " WHERE v.message_id = m.id), 0) + 1, m.conversation_id, m.body, COALESCE(m.edited_at, m.created_at),"
                + " :supersededAt FROM {p}messages m WHERE m.id = :messageId AND m.conversation_id = :conversationId");
        replaceBody = t("UPDATE {p}messages SET body = :body, edited_at = :editedAt"
                + " WHERE id = :messageId AND conversation_id = :conversationId");
        makeTombstone = t("UPDATE {p}messages SET body = '', redacted_at = :redactedAt"
                + " WHERE id = :messageId AND conversation_id = :conversationId");
        eraseVersions = t("DELETE FROM {p}message_versions"
                + " WHERE message_id = :messageId AND conversation_id = :conversationId");
        messageVersions = t("SELECT v.message_id, v.number, v.body, v.written_at, v.superseded_at"
                + " FROM {p}message_versions v JOIN {p}messages m ON m.id = v.message_id"
                + " WHERE v.conversation_id = :conversationId AND v.message_id IN (<messageIds>)"
                + " ORDER BY m.seq, v.number");
        placeLegalHold = t("UPDATE {p}conversations SET legal_hold_reason = :reason, legal_hold_placed_at = :placedAt,"
                + " legal_hold_placed_by = :placedBy WHERE id = :id AND legal_hold_placed_at IS NULL");
        releaseLegalHold = t("UPDATE {p}conversations SET legal_hold_reason = NULL, legal_hold_placed_at = NULL,"
                + " legal_hold_placed_by = NULL WHERE id = :id AND legal_hold_placed_at IS NOT NULL");
        purgeCandidates = t("SELECT id FROM {p}conversations WHERE id > :after AND created_at < :createdBefore"
                + " AND legal_hold_placed_at IS NULL ORDER BY id LIMIT :limit");
        oldestMessagesBefore = t("SELECT id, seq, sent_by_type, read_at FROM {p}messages"
                + " WHERE conversation_id = :conversationId AND created_at < :createdBefore ORDER BY seq LIMIT :max");
        deleteVersionsOfMessages = t("DELETE FROM {p}message_versions WHERE message_id IN (<messageIds>)");
        deleteMessages = t("DELETE FROM {p}messages WHERE conversation_id = :conversationId"
                + " AND id IN (<messageIds>)");
        lowerUnreadAfterPurge = t("UPDATE {p}conversations"
                + " SET unread_from_service = GREATEST(unread_from_service - :service, 0),"
                + " unread_from_business = GREATEST(unread_from_business - :business, 0) WHERE id = :id");
        purgeAudit = t("DELETE FROM {p}audit WHERE conversation_id = :conversationId AND seq <= :through");
        insertRestriction = customization.insertIgnoringDuplicates(t("INSERT INTO {p}processing_restrictions"
                + " (user_id, since, pseudonymised_at) VALUES (:userId, :since, NULL)"), "user_id");
        selectRestriction = t("SELECT since FROM {p}processing_restrictions WHERE user_id = :userId");
        restrictedAmong = t("SELECT user_id FROM {p}processing_restrictions WHERE user_id IN (<userIds>)");
        restrictionsToPseudonymise = t("SELECT user_id, since, pseudonymised_at FROM {p}processing_restrictions"
                + " WHERE user_id > :after AND since < :sinceBefore AND pseudonymised_at IS NULL"
                + " ORDER BY user_id LIMIT :limit");
        messagesByAuthor = t("SELECT id FROM {p}messages WHERE author_user_id = :userId ORDER BY id LIMIT :max");
        renameAuthor = t("UPDATE {p}messages SET author_user_id = :pseudonym"
                + " WHERE id IN (<ids>) AND author_user_id = :userId");
        participantsByUser = t("SELECT id, conversation_id FROM {p}participants WHERE user_id = :userId"
                + " ORDER BY id LIMIT :max");
        renameParticipants = t("UPDATE {p}participants SET user_id = :pseudonym"
                + " WHERE id IN (<ids>) AND user_id = :userId");
        // a new random version, as every participant change: no node keeps the old ids cached
        changeParticipantsVersions = t("UPDATE {p}conversations SET participants_version = :participantsVersion"
                + " WHERE id IN (<ids>)");
        lockConversations = t("SELECT id FROM {p}conversations WHERE id IN (<ids>) ORDER BY id FOR UPDATE");
        markPseudonymised = t("UPDATE {p}processing_restrictions SET pseudonymised_at = :at"
                + " WHERE user_id = :userId AND pseudonymised_at IS NULL");
        moveAuditHead = t("UPDATE {p}conversations SET audit_head_seq = :headSeq, audit_head_hash = :headHash"
                + " WHERE id = :headConversationId");
    }

    /**
     * Inserts {@code rows} audit entries of one conversation (parameters suffixed by the row
     * index) and moves the conversation's head to {@code :headSeq}, {@code :headHash}, in one
     * statement where the database allows (see {@link JdbcCustomization#appendAuditMovingHead}).
     */
    String appendAudit(int rows) {
        // built once per row count: regulated mode runs it on every post (one row)
        return appendAuditByRows.computeIfAbsent(rows, this::buildAppendAudit);
    }

    private final java.util.concurrent.ConcurrentHashMap<Integer, String> appendAuditByRows =
            new java.util.concurrent.ConcurrentHashMap<>();

    private String buildAppendAudit(int rows) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            values.append(i == 0 ? "" : ", ").append("(:conversationId").append(i).append(", :seq").append(i)
                    .append(", :action").append(i).append(", :messageId").append(i).append(", :recordedAt").append(i)
                    .append(", :entry").append(i).append(", :previousHash").append(i).append(", :hash").append(i)
                    .append(')');
        }
        return customization.appendAuditMovingHead(t("INSERT INTO {p}audit (" + AUDIT_COLUMNS + ")"),
                values.toString(), moveAuditHead);
    }

    JdbcCustomization customization() {
        return customization;
    }

    private String t(String text) {
        return text.replace("{p}", prefix);
    }
}
