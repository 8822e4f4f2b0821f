package dev.txchat.benchmarks;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.ConversationView;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The hand-written baselines: the least JDBC a careful developer would write for each
 * operation on the same tables, with no framework, no checks beyond what the operation
 * needs, and results materialized into the same core records txchat returns. Each baseline
 * is what "as fast as the database allows" means for its txchat benchmark. Thread-safe.
 */
public final class RawJdbc {
    private final DataSource dataSource;
    private final String conversations;
    private final String participants;
    private final String messages;
    private final String tickets;

    private final CounterBump bump;
    private final String insertMessage;

    public RawJdbc(DataSource dataSource, BenchDatabase db, String prefix) {
        this.dataSource = dataSource;
        this.conversations = prefix + "conversations";
        this.participants = prefix + "participants";
        this.messages = prefix + "messages";
        this.tickets = prefix + "tickets";
        this.bump = new CounterBump(db, conversations, "unread_from_service = unread_from_service + 1");
        this.insertMessage = "INSERT INTO " + messages + " (id, conversation_id, seq, sender_id, sent_by_type,"
                + " author_user_id, body, client_message_id, created_at, read_at)"
                + " VALUES (?, ?, ?, ?, 'SERVICE', ?, ?, NULL, ?, NULL)";
    }

    // ---- postMessage ------------------------------------------------------------------------------

    /**
     * Appends a staff message with the next gapless sequence and bumps the counters, in one
     * transaction: lock-and-increment the conversation row, insert the message, commit.
     *
     * @return the message's sequence
     */
    public long postMessage(String conversationId, String senderId, String author, String body) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> append(c, conversationId, senderId, author, body));
    }

    private long append(Connection c, String conversationId, String senderId, String author, String body)
            throws SQLException {
        long now = Jdbc.nowMicros();
        long seq = bump.next(c, conversationId, now);
        Jdbc.update(c, insertMessage, UUID.randomUUID().toString(), conversationId, seq, senderId, author, body, now);
        return seq;
    }

    // ---- listMessages -----------------------------------------------------------------------------

    /**
     * A page of {@code limit} messages after {@code afterSequence}, each with its sender: the
     * conversation's message count (the page's total) and one keyset query joined to the
     * senders. Autocommit, as a read needs no more.
     */
    public List<ParticipantMessage> listMessages(String conversationId, long afterSequence, int limit)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT message_count FROM " + conversations
                    + " WHERE id = ?")) {
                ps.setString(1, conversationId);
                total = Jdbc.single(ps);
            }
            List<ParticipantMessage> page = new ArrayList<>(limit);
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, m.seq, m.sender_id, m.sent_by_type,"
                    + " m.author_user_id, m.body, m.client_message_id, m.created_at, m.read_at,"
                    + " p.participant_type, p.user_id, p.organization_id, p.joined_at, p.left_at"
                    + " FROM " + messages + " m JOIN " + participants + " p ON p.id = m.sender_id"
                    + " WHERE m.conversation_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?")) {
                ps.setString(1, conversationId);
                ps.setLong(2, afterSequence);
                ps.setInt(3, limit);
                ConversationId cid = ConversationId.parse(conversationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ParticipantId sender = ParticipantId.parse(rs.getString(3));
                        Message m = new Message(MessageId.parse(rs.getString(1)), cid, rs.getLong(2), sender,
                                ParticipantType.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6),
                                instant(rs, 8), instant(rs, 9), rs.getString(7));
                        Participant p = new Participant(sender, ParticipantType.valueOf(rs.getString(10)),
                                rs.getString(11), rs.getString(12), instant(rs, 13), instant(rs, 14));
                        page.add(new ParticipantMessage(m, p));
                    }
                }
            }
            if (total < page.size()) {
                throw new IllegalStateException("counter behind rows");
            }
            return page;
        }
    }

    // ---- listConversations ------------------------------------------------------------------------

    /** Which conversations a baseline list shows: every open one (staff), or a business user's. */
    public record Scope(String businessUser, String businessOrganization) {
        public static final Scope STAFF = new Scope(null, null);
    }

    /**
     * The first page of conversations, newest activity first: a count of the matching
     * conversations, one query for the page joined to each one's last message, and one query
     * for all the page's participants.
     */
    public List<ConversationView> listConversations(Scope scope, int limit) throws SQLException {
        String where = " WHERE c.status = 'OPEN'" + memberFilter(scope);
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + conversations + " c" + where)) {
                bindScope(ps, scope, 1);
                total = Jdbc.single(ps);
            }
            String sql = "SELECT c.id, c.kind, c.ticket_id, c.transaction_id, c.organization_id, c.subject,"
                    + " c.status, c.created_at, c.message_count, c.unread_from_business,"
                    + " m.id, m.seq, m.sender_id, m.sent_by_type, m.author_user_id, m.body, m.client_message_id,"
                    + " m.created_at, m.read_at"
                    + " FROM " + conversations + " c LEFT JOIN " + messages + " m"
                    + " ON m.conversation_id = c.id AND m.seq = c.message_count" + where
                    + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?";
            List<Object[]> rows = new ArrayList<>(limit);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(bindScope(ps, scope, 1), limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ConversationId id = ConversationId.parse(rs.getString(1));
                        String ticket = rs.getString(3);
                        Conversation conversation = new Conversation(id, ConversationKind.valueOf(rs.getString(2)),
                                ticket == null ? null : TicketId.parse(ticket), rs.getString(4), rs.getString(5),
                                rs.getString(6), ConversationStatus.valueOf(rs.getString(7)), instant(rs, 8),
                                List.of());
                        String lastId = rs.getString(11);
                        Message last = lastId == null ? null : new Message(MessageId.parse(lastId), id,
                                rs.getLong(12), ParticipantId.parse(rs.getString(13)),
                                ParticipantType.valueOf(rs.getString(14)), rs.getString(15), rs.getString(16),
                                instant(rs, 18), instant(rs, 19), rs.getString(17));
                        rows.add(new Object[] {conversation, rs.getLong(9), rs.getLong(10), last});
                    }
                }
            }
            Map<String, List<Participant>> byConversation = new HashMap<>();
            if (!rows.isEmpty()) {
                StringBuilder in = new StringBuilder();
                for (int i = 0; i < rows.size(); i++) {
                    in.append(i == 0 ? "?" : ", ?");
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT id, conversation_id, participant_type,"
                        + " user_id, organization_id, joined_at, left_at FROM " + participants
                        + " WHERE conversation_id IN (" + in + ") ORDER BY conversation_id, join_order")) {
                    for (int i = 0; i < rows.size(); i++) {
                        ps.setString(i + 1, ((Conversation) rows.get(i)[0]).id().toString());
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byConversation.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(
                                    new Participant(ParticipantId.parse(rs.getString(1)),
                                            ParticipantType.valueOf(rs.getString(3)), rs.getString(4),
                                            rs.getString(5), instant(rs, 6), instant(rs, 7)));
                        }
                    }
                }
            }
            List<ConversationView> page = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                Conversation bare = (Conversation) row[0];
                List<Participant> members = byConversation.getOrDefault(bare.id().toString(), List.of());
                Conversation conversation = new Conversation(bare.id(), bare.kind(), bare.ticketId(),
                        bare.transactionId(), bare.organizationId(), bare.subject(), bare.status(), bare.createdAt(),
                        members);
                Message last = (Message) row[3];
                ParticipantMessage lastMessage = null;
                if (last != null) {
                    Participant sender = members.stream().filter(p -> p.id().equals(last.senderId())).findFirst()
                            .orElseThrow();
                    lastMessage = new ParticipantMessage(last, sender);
                }
                page.add(new ConversationView(conversation, (Long) row[1], (Long) row[2], lastMessage));
            }
            if (total < page.size()) {
                throw new IllegalStateException("count below page");
            }
            return page;
        }
    }

    private String memberFilter(Scope scope) {
        if (scope.businessUser() == null) {
            return "";
        }
        return " AND EXISTS (SELECT 1 FROM " + participants + " mp WHERE mp.conversation_id = c.id"
                + " AND mp.left_at IS NULL AND mp.participant_type = 'BUSINESS'"
                + " AND ((mp.user_id = ? AND (mp.organization_id IS NULL OR mp.organization_id = ?))"
                + " OR (mp.user_id IS NULL AND mp.organization_id = ?)))";
    }

    private static int bindScope(PreparedStatement ps, Scope scope, int index) throws SQLException {
        if (scope.businessUser() == null) {
            return index;
        }
        ps.setString(index++, scope.businessUser());
        ps.setString(index++, scope.businessOrganization());
        ps.setString(index++, scope.businessOrganization());
        return index;
    }

    // ---- openTransactionChat ----------------------------------------------------------------------

    /** The live key txchat gives a transaction chat (see the common semantics). */
    public static String liveKey(String transactionId, String businessUser) {
        return "T:" + transactionId.length() + ":" + transactionId + ":" + businessUser;
    }

    /**
     * Opens a new transaction chat with its first message: ticket, conversation (counters
     * already counting the message), both participants in one batch, the message; commit.
     *
     * @return the conversation id
     */
    public String openNew(String transactionId, String staffUser, String businessUser, String organization,
                          String details, String body) throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> {
            long now = Jdbc.nowMicros();
            String ticketId = UUID.randomUUID().toString();
            String conversationId = UUID.randomUUID().toString();
            String staffParticipant = UUID.randomUUID().toString();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + tickets
                    + " (id, transaction_id, details, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, ticketId);
                ps.setString(2, transactionId);
                ps.setString(3, details);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + conversations + " (id, kind,"
                    + " ticket_id, transaction_id, organization_id, subject, status, live_key, created_at,"
                    + " deleted_at, last_activity_at, message_count, unread_from_service, unread_from_business)"
                    + " VALUES (?, 'TRANSACTION', ?, ?, ?, NULL, 'OPEN', ?, ?, NULL, ?, 1, 1, 0)")) {
                ps.setString(1, conversationId);
                ps.setString(2, ticketId);
                ps.setString(3, transactionId);
                ps.setString(4, organization);
                ps.setString(5, liveKey(transactionId, businessUser));
                ps.setLong(6, now);
                ps.setLong(7, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + participants + " (id,"
                    + " conversation_id, join_order, participant_type, user_id, organization_id, joined_at,"
                    + " left_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
                participant(ps, UUID.randomUUID().toString(), conversationId, 1, "BUSINESS", businessUser,
                        organization, now);
                participant(ps, staffParticipant, conversationId, 2, "SERVICE", staffUser, null, now);
                ps.executeBatch();
            }
            Jdbc.update(c, insertMessage, UUID.randomUUID().toString(), conversationId, 1L, staffParticipant,
                    staffUser, body, now);
            return conversationId;
        });
    }

    private static void participant(PreparedStatement ps, String id, String conversationId, int order, String type,
                                    String user, String organization, long now) throws SQLException {
        ps.setString(1, id);
        ps.setString(2, conversationId);
        ps.setInt(3, order);
        ps.setString(4, type);
        ps.setString(5, user);
        ps.setString(6, organization);
        ps.setLong(7, now);
        ps.addBatch();
    }

    /**
     * Appends to the live transaction chat of (transaction, business user) as a staff user
     * who is already a participant: lock-and-increment by live key, find the sender, insert
     * the message, commit.
     *
     * @return the message's sequence
     */
    public long openExisting(String transactionId, String staffUser, String businessUser, String body)
            throws SQLException {
        return Jdbc.inTransaction(dataSource, c -> {
            String conversationId;
            String sender;
            try (PreparedStatement ps = c.prepareStatement("SELECT c.id, p.id FROM " + conversations + " c JOIN "
                    + participants + " p ON p.conversation_id = c.id AND p.participant_type = 'SERVICE'"
                    + " AND p.user_id = ? AND p.left_at IS NULL WHERE c.live_key = ?")) {
                ps.setString(1, staffUser);
                ps.setString(2, liveKey(transactionId, businessUser));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no live chat");
                    }
                    conversationId = rs.getString(1);
                    sender = rs.getString(2);
                }
            }
            return append(c, conversationId, sender, staffUser, body);
        });
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long micros = rs.getLong(column);
        if (rs.wasNull()) {
            return null;
        }
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
