package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.AuthorizationMatrixContract;
import org.jdbi.v3.core.Jdbi;

/** The testkit's {@code AuthorizationMatrixContract} on Postgres (see {@link TestDatabases}). */
class PostgresAuthorizationMatrixTest extends AuthorizationMatrixContract {

    /**
     * The matrix's own pool. Its tables are created empty and V004 analyzes them then; with
     * autovacuum off (as on the development and CI machines) those statistics of empty tables
     * stay, and the planner answers the matrix's list and count statements with nested loops
     * over sequential scans, which turn quadratic as its 1,181 cases fill the tables (over ten
     * minutes). A server with autovacuum re-analyzes after 50 rows; here the pool forbids
     * nested loops instead.
     */
    private static Jdbi jdbi;

    /**
     * Tables of their own: the matrix calls {@code purgeExpired}, which purges every
     * conversation past retention in the store, and on the shared tables would purge (and
     * count) the other suites' conversations.
     */
    @Override
    protected ChatStore createStore() {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        synchronized (PostgresAuthorizationMatrixTest.class) {
            if (jdbi == null) {
                jdbi = Jdbi.create(TestDatabases.pool(Dialect.POSTGRESQL,
                        "SET plan_cache_mode = force_custom_plan; SET enable_nestloop = off", 4));
            }
        }
        TestDatabases.dropTables(jdbi, "authz_");
        JdbiChatStore fresh = JdbiChatStore.create(jdbi).withTablePrefix("authz_");
        fresh.migrate();
        return fresh;
    }
}
