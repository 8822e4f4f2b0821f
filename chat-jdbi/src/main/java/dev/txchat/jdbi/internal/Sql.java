package dev.txchat.jdbi.internal;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.jdbi.Dialect;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every SQL statement the store runs, for one dialect and table prefix. Each statement is
 * written out once, as literal text with {@code {p}} standing for the table prefix, so a
 * statement seen in a database log is found here by searching for its text; the few whose
 * syntax differs per database come from the dialect's {@link JdbcCustomization}. The
 * prefix is validated and is the only text ever put into statements; all values are bound.
 * Tests use these same texts (e.g. to EXPLAIN them). Immutable and thread-safe.
 */
public final class Sql {
    /** What a table prefix may look like. */
    public static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,19}");

    private final JdbcCustomization customization;
    private final String prefix;
    private final CountSql counts;

    // ---- tickets, secrets --------------------------------------------------------------------

    final String insertTicket;
    final String selectTicketByTransaction;
    /**
     * A ticket with its conversations (each with its newest message) and their participants,
     * one result row per participant, in one statement.
     */
    final String selectTicketWithConversations;
    final String insertSecret;
    final String selectSecret;

    // ---- change feed --------------------------------------------------------------------------

    final String lockFeedHead;
    final String selectFeedHead;
    /** Committed entries waiting for a position, oldest first; param max. Tests EXPLAIN it. */
    public final String selectUnsequenced;
    final String sequenceEntry;
    final String advanceFeedHead;
    /** A feed page by position; params after, max. Tests EXPLAIN it. */
    public final String readFeed;
    final String insertSubscription;
    final String takeLease;
    final String selectSubscriptionPosition;
    final String advanceSubscription;
    final String releaseSubscription;
    final String slowestSubscription;
    final String pruneFeed;
    final String countFeedIds;
    /** The channel PostgreSQL notifies when entries are appended (see the V003 trigger). */
    public final String feedChannel;

    // ---- conversations ------------------------------------------------------------------------

    final String insertConversation;
    final String selectConversationIdByLiveKey;
    /**
     * Locks a conversation row and returns its own columns, never a joined table's: a locking
     * read that waited re-reads only the locked row (PostgreSQL), so anything joined would come
     * from before the wait. Params id.
     */
    public final String lockConversation;
    /** As {@link #lockConversation}, by live key; finds nothing once the chat is deleted. */
    public final String lockLiveConversation;
    /** A conversation with its newest message (by primary key), not locked. Params id. */
    public final String selectConversation;
    final String markDeleted;

    // ---- participants -------------------------------------------------------------------------

    /** Participants of one conversation in joining order. Params conversationId. Tests EXPLAIN it. */
    public final String selectParticipants;
    final String selectParticipantsOf;
    final String selectParticipantById;
    final String nextJoinOrder;
    final String removeParticipant;
    /** Marks the participants changed: a new random version, never a count that a rollback could repeat. */
    final String changeParticipantsVersion;

    // ---- messages -----------------------------------------------------------------------------

    final String insertMessage;
    final String selectMessageByClientId;
    final String bumpAfterServiceMessage;
    final String bumpAfterBusinessMessage;
    /**
     * H2: the counter update and the message insert as one statement, the insert reading the
     * updated row from a data change delta table; null elsewhere.
     */
    final String appendAfterServiceMessage;
    final String appendAfterBusinessMessage;
    /** Message page, ascending sequence after {@code :bound}; params conversationId, bound, limit. */
    public final String messagesForward;
    /** Message page, descending sequence before {@code :bound}; params conversationId, bound, limit. */
    public final String messagesBackward;
    final String markMessagesRead;
    final String lowerServiceUnread;
    final String lowerBusinessUnread;

    /** Feed inserts of up to this many rows minus one are built once, not per call. */
    private static final int CACHED_FEED_ROWS = 5;
    private final String[] insertFeed = new String[CACHED_FEED_ROWS];
    private final String[] appendServiceWithFeed = new String[CACHED_FEED_ROWS];
    private final String[] appendBusinessWithFeed = new String[CACHED_FEED_ROWS];

    public Sql(Dialect dialect, String prefix) {
        this.customization = JdbcCustomization.of(Objects.requireNonNull(dialect, "dialect"));
        this.prefix = checkPrefix(prefix);
        this.counts = new CountSql(dialect, prefix);
        JdbcCustomization c = customization;

        insertTicket = c.insertIgnoringDuplicates(t("INSERT INTO {p}tickets (id, transaction_id, details, created_at)"
                + " VALUES (:id, :transactionId, :details, :createdAt)"), "id");
        selectTicketByTransaction = t("SELECT id, transaction_id, details, created_at FROM {p}tickets"
                + " WHERE transaction_id = :transactionId");
        selectTicketWithConversations = t("SELECT t.id AS t_id, t.transaction_id AS t_transaction_id,"
                + " t.details AS t_details, t.created_at AS t_created_at,"
                + " c.id, c.kind, c.ticket_id, c.transaction_id, c.organization_id, c.subject, c.status, c.created_at,"
                + " c.last_activity_at, c.message_count, c.unread_from_service, c.unread_from_business,"
                + " c.participants_version,"
                + " m.id AS m_id, m.seq AS m_seq, m.sender_id AS m_sender_id, m.sent_by_type AS m_sent_by_type,"
                + " m.author_user_id AS m_author_user_id, m.body AS m_body, m.client_message_id AS m_client_message_id,"
                + " m.created_at AS m_created_at, m.read_at AS m_read_at, m.edited_at AS m_edited_at,"
                + " m.redacted_at AS m_redacted_at,"
                + " p.id AS p_id, p.conversation_id AS p_conversation_id, p.join_order AS p_join_order,"
                + " p.participant_type AS p_participant_type, p.user_id AS p_user_id,"
                + " p.organization_id AS p_organization_id, p.joined_at AS p_joined_at, p.left_at AS p_left_at"
                + " FROM {p}tickets t"
                + " LEFT JOIN {p}conversations c ON c.ticket_id = t.id"
                + " LEFT JOIN {p}messages m ON m.id = c.last_message_id"
                + " LEFT JOIN {p}participants p ON p.conversation_id = c.id"
                + " WHERE t.transaction_id = :transactionId"
                + " ORDER BY c.created_at, c.id, p.join_order");
        insertSecret = c.insertIgnoringDuplicates(t("INSERT INTO {p}secrets (name, secret, created_at)"
                + " VALUES (:name, :secret, :createdAt)"), "name");
        selectSecret = t("SELECT secret FROM {p}secrets WHERE name = :name");

        feedChannel = prefix + "feed";
        lockFeedHead = t("SELECT position FROM {p}feed_head WHERE id = 1 FOR UPDATE");
        selectFeedHead = t("SELECT position FROM {p}feed_head WHERE id = 1");
        selectUnsequenced = t("SELECT id FROM {p}feed WHERE position IS NULL ORDER BY id LIMIT :max");
        sequenceEntry = t("UPDATE {p}feed SET position = :position WHERE id = :id AND position IS NULL");
        advanceFeedHead = t("UPDATE {p}feed_head SET position = :position WHERE id = 1");
        readFeed = t("SELECT position, aggregateid, type, payload, audience, committed_at FROM {p}feed"
                + " WHERE position > :after ORDER BY position LIMIT :max");
        insertSubscription = c.insertIgnoringDuplicates(t("INSERT INTO {p}feed_subscriptions"
                + " (name, position, owner, lease_until) VALUES (:name, :position, NULL, NULL)"), "name");
        takeLease = t("UPDATE {p}feed_subscriptions SET owner = :owner, lease_until = :leaseUntil"
                + " WHERE name = :name AND (owner IS NULL OR owner = :owner OR lease_until < :now)");
        selectSubscriptionPosition = t("SELECT position FROM {p}feed_subscriptions WHERE name = :name");
        advanceSubscription = t("UPDATE {p}feed_subscriptions SET position = GREATEST(position, :position),"
                + " lease_until = :leaseUntil WHERE name = :name AND owner = :owner");
        releaseSubscription = t("UPDATE {p}feed_subscriptions SET owner = NULL, lease_until = NULL"
                + " WHERE name = :name AND owner = :owner");
        slowestSubscription = t("SELECT MIN(position) FROM {p}feed_subscriptions");
        countFeedIds = t("SELECT COUNT(*) FROM {p}feed WHERE id IN (<ids>)");
        pruneFeed = c.deleteOldestFeedEntries(prefix + "feed",
                "WHERE position IS NOT NULL AND position <= :passed AND committed_at < :before");

        insertConversation = c.insertIgnoringDuplicates(t("INSERT INTO {p}conversations (id, kind, ticket_id,"
                + " transaction_id, organization_id, subject, status, live_key, created_at, last_activity_at,"
                + " message_count, unread_from_service, unread_from_business, participants_version) VALUES (:id, :kind,"
                + " :ticketId, :transactionId, :organizationId, :subject, :status, :liveKey, :createdAt, :createdAt,"
                + " 0, 0, 0, :participantsVersion)"), "id");
        selectConversationIdByLiveKey = t("SELECT id FROM {p}conversations WHERE live_key = :liveKey");
        lockConversation = c.locksByUpdate()
                ? t("SELECT id, kind, ticket_id, transaction_id, organization_id, subject, status, created_at,"
                        + " last_activity_at, message_count, unread_from_service, unread_from_business,"
                        + " participants_version FROM FINAL TABLE (UPDATE {p}conversations"
                        + " SET message_count = message_count WHERE id = :id)")
                : t("SELECT id, kind, ticket_id, transaction_id, organization_id, subject, status, created_at,"
                        + " last_activity_at, message_count, unread_from_service, unread_from_business,"
                        + " participants_version FROM {p}conversations WHERE id = :id FOR UPDATE");
        lockLiveConversation = c.locksByUpdate()
                ? t("SELECT id, kind, ticket_id, transaction_id, organization_id, subject, status, created_at,"
                        + " last_activity_at, message_count, unread_from_service, unread_from_business,"
                        + " participants_version FROM FINAL TABLE (UPDATE {p}conversations"
                        + " SET message_count = message_count WHERE live_key = :liveKey)")
                : t("SELECT id, kind, ticket_id, transaction_id, organization_id, subject, status,"
                        + " created_at, last_activity_at, message_count, unread_from_service, unread_from_business,"
                        + " participants_version FROM {p}conversations WHERE live_key = :liveKey FOR UPDATE");
        selectConversation = t(CONVERSATION_COLUMNS + " WHERE c.id = :id");
        markDeleted = t("UPDATE {p}conversations SET status = 'DELETED', live_key = NULL, deleted_at = :deletedAt"
                + " WHERE id = :id AND status = 'OPEN'");

        // with the conversation's participants version read in the same statement, so the two agree
        selectParticipants = t("SELECT p.id, p.conversation_id, p.join_order, p.participant_type, p.user_id,"
                + " p.organization_id, p.joined_at, p.left_at, c.participants_version FROM {p}participants p"
                + " JOIN {p}conversations c ON c.id = p.conversation_id"
                + " WHERE p.conversation_id = :conversationId ORDER BY p.join_order");
        selectParticipantsOf = t("SELECT p.id, p.conversation_id, p.join_order, p.participant_type, p.user_id,"
                + " p.organization_id, p.joined_at, p.left_at, c.participants_version FROM {p}participants p"
                + " JOIN {p}conversations c ON c.id = p.conversation_id WHERE p.conversation_id IN (<conversationIds>)"
                + " ORDER BY p.conversation_id, p.join_order");
        selectParticipantById = t("SELECT id, conversation_id, join_order, participant_type, user_id, organization_id,"
                + " joined_at, left_at FROM {p}participants WHERE id = :id AND conversation_id = :conversationId");
        nextJoinOrder = t("SELECT COALESCE(MAX(join_order), 0) + 1 FROM {p}participants"
                + " WHERE conversation_id = :conversationId");
        removeParticipant = t("UPDATE {p}participants SET left_at = :leftAt"
                + " WHERE id = :id AND conversation_id = :conversationId AND left_at IS NULL");
        changeParticipantsVersion = t("UPDATE {p}conversations SET participants_version = :participantsVersion"
                + " WHERE id = :id");

        insertMessage = t("INSERT INTO {p}messages (id, conversation_id, seq, sender_id, sent_by_type, author_user_id,"
                + " body, client_message_id, created_at, read_at) VALUES (:id, :conversationId, :seq, :senderId,"
                + " :sentByType, :authorUserId, :body, :clientMessageId, :createdAt, NULL)");
        selectMessageByClientId = t("SELECT id, conversation_id, seq, sender_id, sent_by_type, author_user_id, body,"
                + " client_message_id, created_at, read_at, edited_at, redacted_at FROM {p}messages"
                + " WHERE conversation_id = :conversationId AND client_message_id = :clientMessageId");
        // GREATEST: a clock that stepped back never moves a conversation down the list
        bumpAfterServiceMessage = t("UPDATE {p}conversations SET message_count = :seq, last_message_id = :id,"
                + " unread_from_service = unread_from_service + 1,"
                + " last_activity_at = GREATEST(last_activity_at, :createdAt) WHERE id = :conversationId");
        bumpAfterBusinessMessage = t("UPDATE {p}conversations SET message_count = :seq, last_message_id = :id,"
                + " unread_from_business = unread_from_business + 1,"
                + " last_activity_at = GREATEST(last_activity_at, :createdAt) WHERE id = :conversationId");
        appendAfterServiceMessage = c.insertsFromUpdate() ? appendFromBump(bumpAfterServiceMessage) : null;
        appendAfterBusinessMessage = c.insertsFromUpdate() ? appendFromBump(bumpAfterBusinessMessage) : null;
        messagesForward = t("SELECT id, conversation_id, seq, sender_id, sent_by_type, author_user_id, body,"
                + " client_message_id, created_at, read_at, edited_at, redacted_at FROM {p}messages"
                + " WHERE conversation_id = :conversationId AND seq > :bound ORDER BY seq LIMIT :limit");
        messagesBackward = t("SELECT id, conversation_id, seq, sender_id, sent_by_type, author_user_id, body,"
                + " client_message_id, created_at, read_at, edited_at, redacted_at FROM {p}messages"
                + " WHERE conversation_id = :conversationId AND seq < :bound ORDER BY seq DESC LIMIT :limit");
        markMessagesRead = t("UPDATE {p}messages SET read_at = :readAt"
                + " WHERE conversation_id = :conversationId AND sent_by_type = :sentBy AND read_at IS NULL");
        lowerServiceUnread = t("UPDATE {p}conversations SET unread_from_service = GREATEST(unread_from_service"
                + " - :marked, 0) WHERE id = :id");
        lowerBusinessUnread = t("UPDATE {p}conversations SET unread_from_business = GREATEST(unread_from_business"
                + " - :marked, 0) WHERE id = :id");
        for (int rows = 1; rows < CACHED_FEED_ROWS; rows++) {
            insertFeed[rows] = buildInsertFeed(rows);
        }
        for (int rows = 1; rows < CACHED_FEED_ROWS; rows++) {
            appendServiceWithFeed[rows] = c.appendMessageWithFeed(this, ParticipantType.SERVICE, rows);
            appendBusinessWithFeed[rows] = c.appendMessageWithFeed(this, ParticipantType.BUSINESS, rows);
        }
    }

    /**
     * A conversation row with its newest message, joined by the message's primary key: one
     * index probe, whatever plan the database cached and however long the history.
     */
    private static final String CONVERSATION_COLUMNS = "SELECT c.id, c.kind, c.ticket_id, c.transaction_id,"
            + " c.organization_id, c.subject, c.status, c.created_at, c.last_activity_at, c.message_count,"
            + " c.unread_from_service, c.unread_from_business, c.participants_version,"
            + " m.id AS m_id, m.seq AS m_seq, m.sender_id AS m_sender_id, m.sent_by_type AS m_sent_by_type,"
            + " m.author_user_id AS m_author_user_id, m.body AS m_body, m.client_message_id AS m_client_message_id,"
            + " m.created_at AS m_created_at, m.read_at AS m_read_at, m.edited_at AS m_edited_at,"
            + " m.redacted_at AS m_redacted_at"
            + " FROM {p}conversations c LEFT JOIN {p}messages m ON m.id = c.last_message_id";

    /**
     * {@link #CONVERSATION_COLUMNS} over a derived table {@code c}: a page's conversations,
     * chosen before any message is joined; the caller appends the filters, order and
     * {@code LIMIT :limit) c}, then {@link #PAGE_LAST_MESSAGE} and the order again.
     */
    private static final String PAGE_COLUMNS = "SELECT c.id, c.kind, c.ticket_id, c.transaction_id,"
            + " c.organization_id, c.subject, c.status, c.created_at, c.last_activity_at, c.message_count,"
            + " c.unread_from_service, c.unread_from_business, c.participants_version,"
            + " m.id AS m_id, m.seq AS m_seq, m.sender_id AS m_sender_id, m.sent_by_type AS m_sent_by_type,"
            + " m.author_user_id AS m_author_user_id, m.body AS m_body, m.client_message_id AS m_client_message_id,"
            + " m.created_at AS m_created_at, m.read_at AS m_read_at, m.edited_at AS m_edited_at,"
            + " m.redacted_at AS m_redacted_at"
            + " FROM (SELECT c.id, c.kind, c.ticket_id, c.transaction_id, c.organization_id, c.subject, c.status,"
            + " c.created_at, c.last_activity_at, c.message_count, c.unread_from_service, c.unread_from_business,"
            + " c.participants_version, c.last_message_id FROM {p}conversations c";
    private static final String PAGE_LAST_MESSAGE = " LEFT JOIN {p}messages m ON m.id = c.last_message_id";

    private String appendFromBump(String bump) {
        return t("INSERT INTO {p}messages (id, conversation_id, seq, sender_id, sent_by_type, author_user_id, body,"
                + " client_message_id, created_at, read_at) SELECT :id, bumped.id, :seq, :senderId, :sentByType,"
                + " :authorUserId, :body, :clientMessageId, :createdAt, NULL FROM FINAL TABLE (") + bump + ") bumped";
    }

    /**
     * {@code statement}, one of this object's, with positional parameters (see
     * {@link PositionalSql}); converted once per statement text.
     */
    PositionalSql positional(String statement) {
        return positional.computeIfAbsent(statement, PositionalSql::of);
    }

    /** Positional forms of the statements the hot path runs without JDBI, by their named text. */
    private final java.util.concurrent.ConcurrentHashMap<String, PositionalSql> positional =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The one statement that bumps the counters and inserts the message, or null where there is none. */
    String appendMessage(ParticipantType sentBy) {
        return sentBy == ParticipantType.SERVICE ? appendAfterServiceMessage : appendAfterBusinessMessage;
    }

    /** {@code text} with the table prefix in place of every {@code {p}}. */
    private String t(String text) {
        return text.replace("{p}", prefix);
    }

    /** Inserts {@code rows} participants in one statement; parameters suffixed by the row index. */
    String insertParticipants(int rows) {
        StringBuilder sql = new StringBuilder(t("INSERT INTO {p}participants (id, conversation_id, join_order,"
                + " participant_type, user_id, organization_id, joined_at, left_at) VALUES "));
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :conversationId, :joinOrder").append(i)
                    .append(", :type").append(i).append(", :userId").append(i).append(", :organizationId").append(i)
                    .append(", :joinedAt").append(i).append(", NULL)");
        }
        return sql.toString();
    }

    /** Inserts {@code rows} feed entries in one statement; parameters suffixed by the row index. */
    String insertFeed(int rows) {
        return rows > 0 && rows < CACHED_FEED_ROWS ? insertFeed[rows] : buildInsertFeed(rows);
    }

    private String buildInsertFeed(int rows) {
        StringBuilder sql = new StringBuilder(t("INSERT INTO {p}feed"
                + " (aggregatetype, aggregateid, type, payload, audience, committed_at) VALUES "));
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("('conversation', :aggregateid").append(i).append(", :type").append(i)
                    .append(", :payload").append(i).append(", :audience").append(i).append(", :committedAt").append(i)
                    .append(')');
        }
        return sql.toString();
    }

    /**
     * The one statement that appends a message, bumps its conversation's counters and
     * appends {@code feedRows} feed entries, or null where the database needs three.
     */
    String appendMessageWithFeed(ParticipantType sentBy, int feedRows) {
        if (feedRows > 0 && feedRows < CACHED_FEED_ROWS) {
            return (sentBy == ParticipantType.SERVICE ? appendServiceWithFeed : appendBusinessWithFeed)[feedRows];
        }
        return customization.appendMessageWithFeed(this, sentBy, feedRows);
    }

    /**
     * PostgreSQL: the three writes as data-modifying CTEs of the feed insert; see
     * {@link PostgresCustomization#appendMessageWithFeed}.
     */
    String appendWithFeedInCtes(ParticipantType sentBy, int feedRows) {
        return "WITH appended AS (" + insertMessage + "), bumped AS (" + bumpAfterMessage(sentBy) + ") "
                + insertFeed(feedRows);
    }

    /**
     * H2: the feed rows inserted from the message insert's delta table, which reads the counter
     * update's ({@link #appendMessage}); parameters as {@link #insertFeed} and the message's.
     * One feed row per {@code VALUES} row, each joined to the one inserted message: none when
     * the conversation is gone.
     */
    String appendWithFeedFromDelta(ParticipantType sentBy, int feedRows) {
        StringBuilder sql = new StringBuilder(t("INSERT INTO {p}feed"
                + " (aggregatetype, aggregateid, type, payload, audience, committed_at)"
                + " SELECT 'conversation', f.aggregateid, f.type, f.payload, f.audience, f.committed_at"
                + " FROM FINAL TABLE (")).append(appendMessage(sentBy)).append(") appended CROSS JOIN (VALUES ");
        for (int i = 0; i < feedRows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(:aggregateid").append(i).append(", :type").append(i)
                    .append(", :payload").append(i).append(", :audience").append(i).append(", :committedAt").append(i)
                    .append(')');
        }
        return sql.append(") f (aggregateid, type, payload, audience, committed_at)").toString();
    }

    /** Validates a table prefix. */
    public static String checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("table prefix must match " + PREFIX.pattern() + ": " + prefix);
        }
        return prefix;
    }

    public Dialect dialect() {
        return customization.dialect();
    }

    /** The statements of the maintained conversation counts, built once with these. */
    CountSql counts() {
        return counts;
    }

    /** What differs on this database. */
    public JdbcCustomization customization() {
        return customization;
    }

    public String prefix() {
        return prefix;
    }

    /** The regulated-mode statements (see {@link RegulatedSql}), built on first use. */
    RegulatedSql regulated() {
        RegulatedSql built = regulated;
        if (built == null) {
            // a race builds two equal instances: harmless
            built = new RegulatedSql(customization, prefix);
            regulated = built;
        }
        return built;
    }

    private volatile RegulatedSql regulated;

    /** The name of the migration history table. */
    public String schemaVersionTable() {
        return prefix + "schema_version";
    }

    String bumpAfterMessage(ParticipantType sentBy) {
        return sentBy == ParticipantType.SERVICE ? bumpAfterServiceMessage : bumpAfterBusinessMessage;
    }

    String lowerUnread(ParticipantType sentBy) {
        return sentBy == ParticipantType.SERVICE ? lowerServiceUnread : lowerBusinessUnread;
    }

    /** Active participant of a conversation with exactly this side, user and organization. */
    BoundSql findActiveParticipant(String conversationId, ParticipantType type, String userId, String organizationId) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("conversationId", conversationId);
        params.put("type", type.name());
        StringBuilder sql = new StringBuilder(t("SELECT id, conversation_id, join_order, participant_type, user_id,"
                + " organization_id, joined_at, left_at FROM {p}participants"
                + " WHERE conversation_id = :conversationId AND left_at IS NULL AND participant_type = :type"));
        if (userId == null) {
            sql.append(" AND user_id IS NULL");
        } else {
            sql.append(" AND user_id = :userId");
            params.put("userId", userId);
        }
        if (organizationId == null) {
            sql.append(" AND organization_id IS NULL");
        } else {
            sql.append(" AND organization_id = :organizationId");
            params.put("organizationId", organizationId);
        }
        return new BoundSql(sql.append(" ORDER BY join_order").toString(), params);
    }

    /**
     * One page of conversations with their last message: keyset (seek) on
     * {@code (last_activity_at, id)} in {@link ConversationKey#LIST_ORDER list order}, no OFFSET.
     * The keyset is written as {@code at <= :boundAt AND (at < :boundAt OR id < :boundId)} so
     * every database turns its first half into an index range.
     *
     * <p>The page is chosen first, in a derived table with its LIMIT, and only its rows are
     * joined to their last message: with the join outside, a plan that collects every matching
     * conversation before sorting (what PostgreSQL's generic plan does for a participant-filtered
     * list, e.g. a business user's inbox) probed the messages table once per match, 10,000 probes
     * for one page at 100,000 conversations; now at most one per row of the page.
     */
    public BoundSql conversationPage(ConversationQuery query, ConversationKey bound, boolean forward, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder(t(PAGE_COLUMNS)).append(" WHERE ");
        filters(query, sql, params);
        if (bound != null) {
            params.put("boundAt", Times.toMicros(bound.lastActivityAt()));
            params.put("boundId", bound.id().toString());
            sql.append(forward
                    ? " AND c.last_activity_at <= :boundAt AND (c.last_activity_at < :boundAt OR c.id < :boundId)"
                    : " AND c.last_activity_at >= :boundAt AND (c.last_activity_at > :boundAt OR c.id > :boundId)");
        }
        String order = forward
                ? " ORDER BY c.last_activity_at DESC, c.id DESC"
                : " ORDER BY c.last_activity_at ASC, c.id ASC";
        sql.append(order).append(" LIMIT :limit) c").append(t(PAGE_LAST_MESSAGE)).append(order);
        params.put("limit", limit);
        return new BoundSql(sql.toString(), params);
    }

    /** How many conversations match; counts conversation rows only, never messages. */
    public BoundSql conversationCount(ConversationQuery query) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder(t("SELECT COUNT(*) FROM {p}conversations c WHERE "));
        filters(query, sql, params);
        return new BoundSql(sql.toString(), params);
    }

    private void filters(ConversationQuery query, StringBuilder sql, Map<String, Object> params) {
        ConversationFilter filter = query.filter();
        sql.append(filter.includeDeleted() ? "1 = 1" : "c.status = 'OPEN'");
        if (filter.kind() != null) {
            sql.append(" AND c.kind = :kind");
            params.put("kind", filter.kind().name());
        }
        if (filter.transactionId() != null) {
            sql.append(" AND c.transaction_id = :transactionId");
            params.put("transactionId", filter.transactionId());
        }
        if (filter.participantId() != null || filter.participantType() != null) {
            sql.append(t(" AND EXISTS (SELECT 1 FROM {p}participants fp WHERE fp.conversation_id = c.id"
                    + " AND fp.left_at IS NULL"));
            if (filter.participantId() != null) {
                sql.append(" AND (fp.user_id = :participantId OR fp.organization_id = :participantId)");
                params.put("participantId", filter.participantId());
            }
            if (filter.participantType() != null) {
                sql.append(" AND fp.participant_type = :participantType");
                params.put("participantType", filter.participantType().name());
            }
            sql.append(')');
        }
        MemberScope member = query.member();
        if (member != null) {
            // exactly MemberScope.admits: the user itself (same user and organization), or its whole organization
            sql.append(t(" AND EXISTS (SELECT 1 FROM {p}participants mp WHERE mp.conversation_id = c.id"
                    + " AND mp.left_at IS NULL AND mp.participant_type = 'BUSINESS' AND ("));
            params.put("memberUserId", member.userId());
            if (member.organizationId() == null) {
                sql.append("mp.user_id = :memberUserId AND mp.organization_id IS NULL");
            } else {
                sql.append("(mp.user_id = :memberUserId AND mp.organization_id = :memberOrganizationId)")
                        .append(" OR (mp.user_id IS NULL AND mp.organization_id = :memberOrganizationId)");
                params.put("memberOrganizationId", member.organizationId());
            }
            sql.append("))");
        }
    }
}
