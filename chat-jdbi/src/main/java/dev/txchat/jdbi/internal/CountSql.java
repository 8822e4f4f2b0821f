package dev.txchat.jdbi.internal;

import dev.txchat.jdbi.Dialect;
import dev.txchat.jdbi.internal.CountScopes.Key;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The statements on {@code <prefix>conversation_counts} (see V004), for one dialect and table
 * prefix. As in {@link Sql}, the prefix is the only text put into statements; every value is
 * bound. Immutable and thread-safe.
 */
public final class CountSql {
    /** Counters per scope; a change lands in the slot of its conversation's id. */
    public static final int SLOTS = 16;

    private static final String KEY_COLUMNS = "scope, kind, participant_type, party_id, organization_id";

    private final Dialect dialect;
    /** The counts table. */
    public final String table;
    /**
     * A conversation's kind, status and active participants, one row per participant (one row
     * with null participant columns if it has none); param id.
     */
    final String selectState;

    public CountSql(Dialect dialect, String prefix) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        Sql.checkPrefix(prefix);
        table = prefix + "conversation_counts";
        selectState = "SELECT c.kind, c.status, p.id AS p_id, p.participant_type, p.user_id, p.organization_id"
                + " FROM " + prefix + "conversations c LEFT JOIN " + prefix + "participants p"
                + " ON p.conversation_id = c.id AND p.left_at IS NULL WHERE c.id = :id";
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The slot a conversation's changes land in: spreads unrelated conversations over the counters. */
    public static int slot(String conversationId) {
        return Math.floorMod(conversationId.hashCode(), SLOTS);
    }

    /**
     * The sum of the counters of {@code keys} (one or two): reads at most {@link #SLOTS} rows
     * per key, by primary key.
     */
    public BoundSql count(List<Key> keys) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder("SELECT COALESCE(SUM(n), 0) FROM ");
        if (keys.size() == 1) {
            sql.append(table).append(" WHERE ");
            keyCondition(sql, params, keys.get(0), 0);
        } else {
            sql.append('(');
            for (int i = 0; i < keys.size(); i++) {
                sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT n FROM ").append(table).append(" WHERE ");
                keyCondition(sql, params, keys.get(i), i);
            }
            sql.append(") counted");
        }
        return new BoundSql(sql.toString(), params);
    }

    private static void keyCondition(StringBuilder sql, Map<String, Object> params, Key key, int i) {
        sql.append("scope = :scope").append(i).append(" AND kind = :kind").append(i)
                .append(" AND participant_type = :type").append(i).append(" AND party_id = :party").append(i)
                .append(" AND organization_id = :organization").append(i);
        bindKey(params, key, i);
    }

    private static void bindKey(Map<String, Object> params, Key key, int i) {
        params.put("scope" + i, key.scope());
        params.put("kind" + i, key.kind());
        params.put("type" + i, key.participantType());
        params.put("party" + i, key.party());
        params.put("organization" + i, key.organization());
    }

    /**
     * One statement adding {@code deltas} to the counters of their keys in {@code slot},
     * creating the counters that do not exist yet; rows in the order given (callers pass
     * them in {@link Key} order, so transactions lock counters in one order).
     */
    public BoundSql change(int slot, Map<Key, Integer> deltas) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("slot", slot);
        StringBuilder rows = new StringBuilder();
        int i = 0;
        for (Map.Entry<Key, Integer> delta : deltas.entrySet()) {
            bindKey(params, delta.getKey(), i);
            params.put("n" + i, (long) delta.getValue());
            rows.append(i == 0 ? "" : ", ").append(dialect == Dialect.H2
                    // H2 types VALUES columns from their first row; cast so every row keeps the table's types
                    ? "(CAST(:scope" + i + " AS VARCHAR(8)), CAST(:kind" + i + " AS VARCHAR(16)), CAST(:type" + i
                            + " AS VARCHAR(16)), CAST(:party" + i + " AS VARCHAR(128)), CAST(:organization" + i
                            + " AS VARCHAR(128)), CAST(:slot AS SMALLINT), CAST(:n" + i + " AS BIGINT))"
                    : "(:scope" + i + ", :kind" + i + ", :type" + i + ", :party" + i + ", :organization" + i
                            + ", :slot, :n" + i + ")");
            i++;
        }
        String columns = KEY_COLUMNS + ", slot, n";
        String sql = switch (dialect) {
            case POSTGRESQL -> "INSERT INTO " + table + " AS t (" + columns + ") VALUES " + rows
                    + " ON CONFLICT (" + KEY_COLUMNS + ", slot) DO UPDATE SET n = t.n + EXCLUDED.n";
            case MARIADB -> "INSERT INTO " + table + " (" + columns + ") VALUES " + rows
                    + " ON DUPLICATE KEY UPDATE n = n + VALUES(n)";
            case H2 -> "MERGE INTO " + table + " t USING (VALUES " + rows + ") AS s (" + columns + ")"
                    + " ON t.scope = s.scope AND t.kind = s.kind AND t.participant_type = s.participant_type"
                    + " AND t.party_id = s.party_id AND t.organization_id = s.organization_id AND t.slot = s.slot"
                    + " WHEN MATCHED THEN UPDATE SET n = t.n + s.n"
                    + " WHEN NOT MATCHED THEN INSERT (" + columns + ") VALUES (s.scope, s.kind, s.participant_type,"
                    + " s.party_id, s.organization_id, s.slot, s.n)";
        };
        return new BoundSql(sql, params);
    }
}
