package dev.txchat.jdbi.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of {@link Sql}'s statements with its {@code :name} parameters replaced by JDBC's
 * {@code ?}, and the names in the order they are bound: what the hot path hands to a plain
 * {@link java.sql.PreparedStatement}, so the statement's text stays the one written in
 * {@code Sql}. Only for statements without {@code <list>} definitions and without a colon
 * other than a parameter's (no {@code ::} casts, no colon in a literal). Immutable.
 */
record PositionalSql(String sql, List<String> names) {
    private static final Pattern PARAMETER = Pattern.compile(":([A-Za-z][A-Za-z0-9_]*)");

    static PositionalSql of(String named) {
        if (named.contains("::") || named.contains("<")) {
            throw new IllegalArgumentException("not a plain named-parameter statement: " + named);
        }
        List<String> names = new ArrayList<>();
        Matcher m = PARAMETER.matcher(named);
        StringBuilder sql = new StringBuilder(named.length());
        while (m.find()) {
            names.add(m.group(1));
            m.appendReplacement(sql, "?");
        }
        m.appendTail(sql);
        return new PositionalSql(sql.toString(), List.copyOf(names));
    }
}
