package dev.txchat.jdbi.internal;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.jdbi.Dialect;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every SQL statement the store runs, for one dialect and table prefix. The prefix is
 * validated here and is the only text ever put into statements; all values are bound.
 * Tests use these same texts (e.g. to EXPLAIN them). Immutable and thread-safe.
 */
public final class Sql {
    /** What a table prefix may look like. */
    public static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,19}");

    private final Dialect dialect;
    private final String prefix;

    final String tickets;
    final String secrets;
    final String conversations;
    final String participants;
    final String messages;

    final String insertTicket;
    final String selectTicketByTransaction;

    final String insertSecret;
    final String selectSecret;

    final String feed;
    final String feedHead;
    final String feedSubscriptions;
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

    final String insertConversation;
    final String selectConversationIdByLiveKey;
    final String selectConversationByLiveKey;
    final String selectConversationsOfTicket;
    final String lockConversation;
    /** The conversation row with its last message and participants, one result row per participant. */
    final String selectConversationWithParticipants;
    final String markDeleted;

    final String insertParticipant;
    final String selectParticipantsOf;
    final String selectParticipantById;
    final String nextJoinOrder;
    final String removeParticipant;

    final String insertMessage;
    final String selectMessageByClientId;
    final String bumpAfterServiceMessage;
    final String appendAfterServiceMessage;
    final String appendAfterBusinessMessage;
    final String bumpAfterBusinessMessage;
    /** Message page, ascending sequence after {@code :bound}; params conversationId, bound, limit. */
    public final String messagesForward;
    /** Message page, descending sequence before {@code :bound}; params conversationId, bound, limit. */
    public final String messagesBackward;
    final String markMessagesRead;
    final String lowerServiceUnread;
    final String lowerBusinessUnread;

    private final String conversationColumns;

    public Sql(Dialect dialect, String prefix) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.prefix = checkPrefix(prefix);
        tickets = prefix + "tickets";
        secrets = prefix + "secrets";
        conversations = prefix + "conversations";
        participants = prefix + "participants";
        messages = prefix + "messages";

        String ticketColumns = "id, transaction_id, details, created_at";
        String ticketValues = ":id, :transactionId, :details, :createdAt";
        insertTicket = insertIgnoringDuplicates(tickets, ticketColumns, ticketValues);
        selectTicketByTransaction = "SELECT " + ticketColumns + " FROM " + tickets + " WHERE transaction_id = :transactionId";

        insertSecret = insertIgnoringDuplicates(secrets, "name, secret, created_at", ":name, :secret, :createdAt")
                .replace("id = id", "name = name");
        selectSecret = "SELECT secret FROM " + secrets + " WHERE name = :name";

        feed = prefix + "feed";
        feedHead = prefix + "feed_head";
        feedSubscriptions = prefix + "feed_subscriptions";
        feedChannel = prefix + "feed";
        lockFeedHead = "SELECT position FROM " + feedHead + " WHERE id = 1 FOR UPDATE";
        selectFeedHead = "SELECT position FROM " + feedHead + " WHERE id = 1";
        selectUnsequenced = "SELECT id FROM " + feed + " WHERE position IS NULL ORDER BY id LIMIT :max";
        sequenceEntry = "UPDATE " + feed + " SET position = :position WHERE id = :id AND position IS NULL";
        advanceFeedHead = "UPDATE " + feedHead + " SET position = :position WHERE id = 1";
        readFeed = "SELECT position, aggregateid, type, payload, audience, committed_at FROM " + feed
                + " WHERE position > :after ORDER BY position LIMIT :max";
        insertSubscription = insertIgnoringDuplicates(feedSubscriptions, "name, position, owner, lease_until",
                ":name, :position, NULL, NULL").replace("id = id", "name = name");
        takeLease = "UPDATE " + feedSubscriptions + " SET owner = :owner, lease_until = :leaseUntil"
                + " WHERE name = :name AND (owner IS NULL OR owner = :owner OR lease_until < :now)";
        selectSubscriptionPosition = "SELECT position FROM " + feedSubscriptions + " WHERE name = :name";
        advanceSubscription = "UPDATE " + feedSubscriptions + " SET position = GREATEST(position, :position),"
                + " lease_until = :leaseUntil WHERE name = :name AND owner = :owner";
        releaseSubscription = "UPDATE " + feedSubscriptions + " SET owner = NULL, lease_until = NULL"
                + " WHERE name = :name AND owner = :owner";
        slowestSubscription = "SELECT MIN(position) FROM " + feedSubscriptions;
        countFeedIds = "SELECT COUNT(*) FROM " + feed + " WHERE id IN (<ids>)";
        String prunable = " WHERE position IS NOT NULL AND position <= :passed AND committed_at < :before";
        pruneFeed = switch (dialect) {
            // PostgreSQL has no DELETE ... LIMIT
            case POSTGRESQL -> "DELETE FROM " + feed + " WHERE id IN (SELECT id FROM " + feed + prunable
                    + " ORDER BY position LIMIT :max)";
            case MARIADB -> "DELETE FROM " + feed + prunable + " ORDER BY position LIMIT :max";
            case H2 -> "DELETE FROM " + feed + prunable + " FETCH FIRST :max ROWS ONLY";
        };

        insertConversation = insertIgnoringDuplicates(conversations,
                "id, kind, ticket_id, transaction_id, organization_id, subject, status, live_key, created_at,"
                        + " last_activity_at, message_count, unread_from_service, unread_from_business",
                ":id, :kind, :ticketId, :transactionId, :organizationId, :subject, :status, :liveKey, :createdAt,"
                        + " :createdAt, 0, 0, 0");
        selectConversationIdByLiveKey = "SELECT id FROM " + conversations + " WHERE live_key = :liveKey";
        conversationColumns = "SELECT c.id, c.kind, c.ticket_id, c.transaction_id, c.organization_id, c.subject,"
                + " c.status, c.created_at, c.last_activity_at, c.message_count, c.unread_from_service,"
                + " c.unread_from_business,"
                + " m.id AS m_id, m.seq AS m_seq, m.sender_id AS m_sender_id, m.sent_by_type AS m_sent_by_type,"
                + " m.author_user_id AS m_author_user_id, m.body AS m_body, m.client_message_id AS m_client_message_id,"
                + " m.created_at AS m_created_at, m.read_at AS m_read_at"
                + " FROM " + conversations + " c"
                + " LEFT JOIN " + messages + " m ON m.conversation_id = c.id AND m.seq = c.message_count";
        selectConversationByLiveKey = conversationColumns + " WHERE c.live_key = :liveKey";
        selectConversationsOfTicket = conversationColumns + " WHERE c.ticket_id = :ticketId ORDER BY c.created_at, c.id";
        lockConversation = "SELECT message_count FROM " + conversations + " WHERE id = :id FOR UPDATE";
        // PostgreSQL refuses FOR UPDATE on the nullable side of the outer join: lock the conversation only
        // the counters, the last message and the participants in one round trip. Not itself a
        // locking read: on PostgreSQL a FOR UPDATE that waits re-reads only the locked row, the
        // joined participants would come from the snapshot taken before the wait
        selectConversationWithParticipants = conversationColumns.replace(" FROM " + conversations + " c",
                ", " + prefixed("p", PARTICIPANT_COLUMNS) + " FROM " + conversations + " c")
                + " LEFT JOIN " + participants + " p ON p.conversation_id = c.id"
                + " WHERE c.id = :id ORDER BY p.join_order";
        markDeleted = "UPDATE " + conversations + " SET status = 'DELETED', live_key = NULL, deleted_at = :deletedAt"
                + " WHERE id = :id AND status = 'OPEN'";

        String participantColumns = String.join(", ", PARTICIPANT_COLUMNS);
        insertParticipant = "INSERT INTO " + participants + " (" + participantColumns + ") VALUES"
                + " (:id, :conversationId, :joinOrder, :type, :userId, :organizationId, :joinedAt, NULL)";
        selectParticipantsOf = "SELECT " + participantColumns + " FROM " + participants
                + " WHERE conversation_id IN (<conversationIds>) ORDER BY conversation_id, join_order";
        selectParticipantById = "SELECT " + participantColumns + " FROM " + participants
                + " WHERE id = :id AND conversation_id = :conversationId";
        nextJoinOrder = "SELECT COALESCE(MAX(join_order), 0) + 1 FROM " + participants
                + " WHERE conversation_id = :conversationId";
        removeParticipant = "UPDATE " + participants + " SET left_at = :leftAt"
                + " WHERE id = :id AND conversation_id = :conversationId AND left_at IS NULL";

        String messageColumns = "id, conversation_id, seq, sender_id, sent_by_type, author_user_id, body,"
                + " client_message_id, created_at, read_at";
        insertMessage = "INSERT INTO " + messages + " (" + messageColumns + ") VALUES (:id, :conversationId, :seq,"
                + " :senderId, :sentByType, :authorUserId, :body, :clientMessageId, :createdAt, NULL)";
        selectMessageByClientId = "SELECT " + messageColumns + " FROM " + messages
                + " WHERE conversation_id = :conversationId AND client_message_id = :clientMessageId";
        bumpAfterServiceMessage = bump("unread_from_service");
        bumpAfterBusinessMessage = bump("unread_from_business");
        // PostgreSQL appends in one round trip: the INSERT runs as a data-modifying CTE of the
        // counter UPDATE, in the same statement and so with the same all-or-nothing outcome
        appendAfterServiceMessage = dialect == Dialect.POSTGRESQL ? appendInOne(bumpAfterServiceMessage) : null;
        appendAfterBusinessMessage = dialect == Dialect.POSTGRESQL ? appendInOne(bumpAfterBusinessMessage) : null;
        messagesForward = "SELECT " + messageColumns + " FROM " + messages
                + " WHERE conversation_id = :conversationId AND seq > :bound ORDER BY seq LIMIT :limit";
        messagesBackward = "SELECT " + messageColumns + " FROM " + messages
                + " WHERE conversation_id = :conversationId AND seq < :bound ORDER BY seq DESC LIMIT :limit";
        markMessagesRead = "UPDATE " + messages + " SET read_at = :readAt"
                + " WHERE conversation_id = :conversationId AND sent_by_type = :sentBy AND read_at IS NULL";
        lowerServiceUnread = lower("unread_from_service");
        lowerBusinessUnread = lower("unread_from_business");
    }

    private static final List<String> PARTICIPANT_COLUMNS = List.of("id", "conversation_id", "join_order",
            "participant_type", "user_id", "organization_id", "joined_at", "left_at");

    /** {@code alias.col AS alias_col, …}: columns of a joined table, named apart from the main table's. */
    private static String prefixed(String alias, List<String> columns) {
        return columns.stream().map(c -> alias + "." + c + " AS " + alias + "_" + c)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Inserts {@code rows} feed entries in one statement; parameters suffixed by the row index. */
    String insertFeed(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(feed)
                .append(" (aggregatetype, aggregateid, type, payload, audience, committed_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("('conversation', :aggregateid").append(i).append(", :type").append(i)
                    .append(", :payload").append(i).append(", :audience").append(i).append(", :committedAt").append(i)
                    .append(')');
        }
        return sql.toString();
    }

    /** Validates a table prefix. */
    public static String checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("table prefix must match " + PREFIX.pattern() + ": " + prefix);
        }
        return prefix;
    }

    public Dialect dialect() {
        return dialect;
    }

    public String prefix() {
        return prefix;
    }

    /** The name of the migration history table. */
    public String schemaVersionTable() {
        return prefix + "schema_version";
    }

    /**
     * An insert that does nothing, without failing the transaction, when a unique key is
     * taken. H2 has no such statement: there the store catches the duplicate-key error,
     * which (unlike on PostgreSQL) leaves the transaction usable.
     */
    private String insertIgnoringDuplicates(String table, String columns, String values) {
        String insert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ")";
        return switch (dialect) {
            case POSTGRESQL -> insert + " ON CONFLICT DO NOTHING";
            // a no-op update, unlike INSERT IGNORE, still fails on every other error
            case MARIADB -> insert + " ON DUPLICATE KEY UPDATE id = id";
            case H2 -> insert;
        };
    }

    private String appendInOne(String bump) {
        return "WITH appended AS (" + insertMessage + ") " + bump.replace("WHERE id = :id", "WHERE id = :conversationId");
    }

    /**
     * The single statement that inserts a message and bumps its conversation's counters, or
     * null where the dialect needs two ({@link #insertMessage} then {@link #bumpAfterMessage}).
     */
    String appendInOneStatement(ParticipantType sentBy) {
        return sentBy == ParticipantType.SERVICE ? appendAfterServiceMessage : appendAfterBusinessMessage;
    }

    private String bump(String unreadColumn) {
        return "UPDATE " + conversations + " SET message_count = :seq, " + unreadColumn + " = " + unreadColumn
                + " + 1, last_activity_at = GREATEST(last_activity_at, :createdAt) WHERE id = :id";
    }

    private String lower(String unreadColumn) {
        return "UPDATE " + conversations + " SET " + unreadColumn + " = GREATEST(" + unreadColumn
                + " - :marked, 0) WHERE id = :id";
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
        StringBuilder sql = new StringBuilder("SELECT id, conversation_id, join_order, participant_type, user_id,"
                + " organization_id, joined_at, left_at FROM " + participants
                + " WHERE conversation_id = :conversationId AND left_at IS NULL AND participant_type = :type");
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
     */
    public BoundSql conversationPage(ConversationQuery query, ConversationKey bound, boolean forward, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder(conversationColumns).append(" WHERE ");
        filters(query, sql, params);
        if (bound != null) {
            params.put("boundAt", Times.toMicros(bound.lastActivityAt()));
            params.put("boundId", bound.id().toString());
            sql.append(forward
                    ? " AND c.last_activity_at <= :boundAt AND (c.last_activity_at < :boundAt OR c.id < :boundId)"
                    : " AND c.last_activity_at >= :boundAt AND (c.last_activity_at > :boundAt OR c.id > :boundId)");
        }
        sql.append(forward
                ? " ORDER BY c.last_activity_at DESC, c.id DESC"
                : " ORDER BY c.last_activity_at ASC, c.id ASC");
        sql.append(" LIMIT :limit");
        params.put("limit", limit);
        return new BoundSql(sql.toString(), params);
    }

    /** How many conversations match; counts conversation rows only, never messages. */
    public BoundSql conversationCount(ConversationQuery query) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM " + conversations + " c WHERE ");
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
            sql.append(" AND EXISTS (SELECT 1 FROM ").append(participants)
                    .append(" fp WHERE fp.conversation_id = c.id AND fp.left_at IS NULL");
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
            sql.append(" AND EXISTS (SELECT 1 FROM ").append(participants)
                    .append(" mp WHERE mp.conversation_id = c.id AND mp.left_at IS NULL")
                    .append(" AND mp.participant_type = 'BUSINESS' AND (");
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
