package dev.txchat.jdbi.internal;

import java.util.Map;

/**
 * A statement built by {@link Sql} from fixed fragments, with its named parameters. The
 * text never contains caller data; every value is in {@code params}.
 *
 * @param sql    the statement, JDBI named-parameter syntax ({@code :name})
 * @param params values by parameter name (never null values)
 */
public record BoundSql(String sql, Map<String, Object> params) {
    public BoundSql {
        params = Map.copyOf(params);
    }
}
