package dev.txchat.jdbi;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.jdbi.internal.BoundSql;
import dev.txchat.jdbi.internal.Sql;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the store's {@code countConversations} (the maintained counters wherever the
 * query is counted) with {@code COUNT(*)} over the tables, run with the store's own filter
 * SQL ({@link Sql#conversationCount}), for every query shape over every id the tables hold:
 * staff by participant id and/or type, business users by every (user, organization) pair
 * of a business participant and by every organization, each with every kind and none.
 * Meant for small tables (one COUNT per query).
 */
final class CountsCheck {
    private static final List<ConversationKind> KINDS_OR_ANY = Arrays.asList(null, ConversationKind.DIRECT,
            ConversationKind.TRANSACTION, ConversationKind.ACCOUNT);
    private static final List<ParticipantType> TYPES_OR_ANY = Arrays.asList(null, ParticipantType.BUSINESS,
            ParticipantType.SERVICE);

    private CountsCheck() {
    }

    /** Every query whose counted total differs from COUNT(*), as text; empty when all agree. */
    static List<String> mismatches(JdbiChatStore store) {
        Sql sql = new Sql(store.dialect(), store.tablePrefix());
        String participants = store.tablePrefix() + "participants";
        List<Map<String, Object>> rows = store.jdbi().withHandle(h -> h.createQuery("SELECT DISTINCT participant_type,"
                + " user_id, organization_id FROM " + participants).mapToMap().list());
        Set<String> ids = new LinkedHashSet<>();
        Set<List<String>> members = new LinkedHashSet<>();
        for (Map<String, Object> row : rows) {
            String user = (String) row.get("user_id");
            String organization = (String) row.get("organization_id");
            ids.add(user);
            ids.add(organization);
            if ("BUSINESS".equals(row.get("participant_type"))) {
                members.add(Arrays.asList(user == null ? "somebody-else" : user, organization));
                if (organization != null) {
                    members.add(Arrays.asList("somebody-else", organization));
                }
            }
        }
        ids.remove(null);
        List<ConversationQuery> queries = new ArrayList<>();
        for (ConversationKind kind : KINDS_OR_ANY) {
            for (ParticipantType type : TYPES_OR_ANY) {
                queries.add(new ConversationQuery(new ConversationFilter(null, type, null, kind, false), null));
                for (String id : ids) {
                    queries.add(new ConversationQuery(new ConversationFilter(id, type, null, kind, false), null));
                }
            }
            for (List<String> member : members) {
                queries.add(new ConversationQuery(ConversationFilter.all().withKind(kind),
                        new MemberScope(member.get(0), member.get(1))));
            }
        }
        List<String> found = new ArrayList<>();
        for (ConversationQuery query : queries) {
            long counted = store.inTransaction(t -> t.countConversations(query));
            BoundSql count = sql.conversationCount(query);
            long rowsMatching = store.jdbi().withHandle(h -> h.createQuery(count.sql()).bindMap(count.params())
                    .mapTo(Long.class).one());
            if (counted != rowsMatching) {
                found.add(query + ": counted " + counted + ", COUNT(*) " + rowsMatching);
            }
        }
        return found;
    }
}
