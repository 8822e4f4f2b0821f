package dev.txchat.jdbi;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The invariants of a txchat schema, checked with SQL on the tables themselves (not through
 * the store under test): every violation is returned as a line of text naming the rows.
 */
final class StoreInvariants {

    private StoreInvariants() {
    }

    static List<String> violations(Jdbi jdbi, String prefix) {
        String c = prefix + "conversations";
        String m = prefix + "messages";
        String p = prefix + "participants";
        String t = prefix + "tickets";
        List<String> found = new ArrayList<>();
        jdbi.useHandle(h -> {
            check(found, h, "message_count differs from the messages stored, or sequences are not 1..n",
                    "SELECT c.id, c.message_count, COUNT(m.id), MIN(m.seq), MAX(m.seq) FROM " + c + " c LEFT JOIN " + m
                            + " m ON m.conversation_id = c.id GROUP BY c.id, c.message_count"
                            + " HAVING c.message_count <> COUNT(m.id) OR COALESCE(MAX(m.seq), 0) <> COUNT(m.id)"
                            + " OR (COUNT(m.id) > 0 AND MIN(m.seq) <> 1)");
            check(found, h, "unread counters differ from the unread messages",
                    "SELECT c.id, c.unread_from_service, c.unread_from_business FROM " + c + " c"
                            + " WHERE c.unread_from_service <> (SELECT COUNT(*) FROM " + m + " m"
                            + " WHERE m.conversation_id = c.id AND m.sent_by_type = 'SERVICE' AND m.read_at IS NULL)"
                            + " OR c.unread_from_business <> (SELECT COUNT(*) FROM " + m + " m"
                            + " WHERE m.conversation_id = c.id AND m.sent_by_type = 'BUSINESS' AND m.read_at IS NULL)");
            check(found, h, "conversation with fewer than two participants",
                    "SELECT c.id FROM " + c + " c WHERE (SELECT COUNT(*) FROM " + p
                            + " p WHERE p.conversation_id = c.id) < 2");
            check(found, h, "ticket without a conversation",
                    "SELECT t.transaction_id FROM " + t + " t WHERE NOT EXISTS (SELECT 1 FROM " + c
                            + " c WHERE c.ticket_id = t.id)");
            check(found, h, "message whose sender is not a participant of its conversation",
                    "SELECT m.id FROM " + m + " m WHERE NOT EXISTS (SELECT 1 FROM " + p
                            + " p WHERE p.id = m.sender_id AND p.conversation_id = m.conversation_id)");
            check(found, h, "more than one live transaction chat per (transaction, business user)",
                    "SELECT c.transaction_id, p.user_id, COUNT(*) FROM " + c + " c JOIN " + p
                            + " p ON p.conversation_id = c.id AND p.join_order = 1 AND p.participant_type = 'BUSINESS'"
                            + " WHERE c.status = 'OPEN' AND c.kind = 'TRANSACTION'"
                            + " GROUP BY c.transaction_id, p.user_id HAVING COUNT(*) > 1");
            check(found, h, "more than one live account thread per organization",
                    "SELECT organization_id, COUNT(*) FROM " + c + " WHERE status = 'OPEN' AND kind = 'ACCOUNT'"
                            + " GROUP BY organization_id HAVING COUNT(*) > 1");
            check(found, h, "live key inconsistent with the status",
                    "SELECT id, kind, status, live_key FROM " + c + " WHERE (status = 'DELETED' AND live_key IS NOT NULL)"
                            + " OR (status = 'OPEN' AND kind <> 'DIRECT' AND live_key IS NULL)");
            check(found, h, "transaction chat whose ticket is missing or about another transaction",
                    "SELECT c.id FROM " + c + " c LEFT JOIN " + t + " t ON t.id = c.ticket_id"
                            + " WHERE c.kind = 'TRANSACTION' AND (t.id IS NULL OR t.transaction_id <> c.transaction_id)");
        });
        return found;
    }

    private static void check(List<String> found, org.jdbi.v3.core.Handle h, String what, String sql) {
        List<String> rows = h.createQuery(sql).map((rs, ctx) -> {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.append(i > 1 ? "|" : "").append(rs.getString(i));
            }
            return row.toString();
        }).list();
        rows.stream().limit(10).forEach(row -> found.add(what + ": " + row));
        if (rows.size() > 10) {
            found.add(what + ": … " + (rows.size() - 10) + " more");
        }
    }
}
