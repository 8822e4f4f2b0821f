package dev.txchat.jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Server-side prepared statements for the PostgreSQL plan tests: {@code PREPARE} a store
 * statement once (typically on empty tables, so its generic plan is the one a fresh
 * deployment caches) and {@code EXECUTE} it later.
 */
final class PreparedStatements {
    private static final Pattern NAMED = Pattern.compile("(?<!:):([a-zA-Z]\\w*)");

    private PreparedStatements() {
    }

    /** PREPAREs {@code statement} as {@code name}, its {@code :name} parameters as {@code $1, $2, ...}. */
    static void prepare(Handle h, String name, String statement) {
        h.execute("PREPARE " + name + " AS " + positional(statement));
    }

    /** {@code :name} parameters as {@code $1, $2, ...} in order of first appearance. */
    static String positional(String statement) {
        List<String> names = new ArrayList<>();
        Matcher m = NAMED.matcher(statement);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
            m.appendReplacement(out, "\\$" + (names.indexOf(m.group(1)) + 1));
        }
        return m.appendTail(out).toString();
    }
}
