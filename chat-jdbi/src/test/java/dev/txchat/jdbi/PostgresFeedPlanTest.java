package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.jdbi.internal.Sql;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * The change feed's statements that run on every poll of every node stay O(page) under the
 * plans a production server caches: PostgreSQL switches a prepared statement to a generic
 * plan after five executions, whatever the values. Here generic plans are forced
 * ({@code plan_cache_mode = force_generic_plan}) on a feed of 100,000 entries, and each
 * statement's plan must walk an index to its page, never scan the feed.
 */
class PostgresFeedPlanTest {

    @Test
    void feedReadsUseTheirIndexesUnderGenericPlans() {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        Jdbi jdbi = TestDatabases.store(Dialect.POSTGRESQL).jdbi();
        String prefix = "plan" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
        try {
            JdbiChatStore.create(jdbi).withTablePrefix(prefix).migrate();
            Sql sql = new Sql(Dialect.POSTGRESQL, prefix);
            jdbi.useHandle(h -> {
                h.execute("INSERT INTO " + prefix + "feed (position, aggregatetype, aggregateid, type, payload,"
                        + " audience, committed_at) SELECT CASE WHEN g <= 99900 THEN g END, 'conversation',"
                        + " md5(g::text)::uuid::text, 'MessagePosted', '{}', '{}', g FROM generate_series(1, 100000) g");
                h.execute("ANALYZE " + prefix + "feed");
                h.execute("SET plan_cache_mode = force_generic_plan");
                try {
                    assertIndexOnly(h, prefix, "read_page", sql.readFeed.replace(":after", "$1").replace(":max", "$2"),
                            "EXECUTE read_page(50000, 500)", prefix + "feed_position_uk");
                    assertIndexOnly(h, prefix, "pending", sql.selectUnsequenced.replace(":max", "$1"),
                            "EXECUTE pending(1000)", prefix + "feed_unsequenced_ix");
                } finally {
                    h.execute("RESET plan_cache_mode");
                }
            });
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    /** The statement's generic plan walks {@code index} (not an index it must filter row by row) and scans no table. */
    private static void assertIndexOnly(Handle h, String prefix, String name, String statement, String execute,
                                        String index) {
        h.execute("PREPARE " + name + " AS " + statement);
        try {
            List<String> plan = h.createQuery("EXPLAIN (COSTS OFF) " + execute).mapTo(String.class).list();
            String text = String.join("\n", plan);
            assertThat(text).as("generic plan of %s", name).contains(index).doesNotContain("Seq Scan on " + prefix + "feed");
        } finally {
            h.execute("DEALLOCATE " + name);
        }
    }
}
