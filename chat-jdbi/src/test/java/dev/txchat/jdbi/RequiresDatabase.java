package dev.txchat.jdbi;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.opentest4j.TestAbortedException;

/**
 * jqwik's counterpart of {@link TestDatabases}' skipping: a property container on an
 * unreachable server is skipped, or fails when the databases are required (CI=true or
 * -Dtxchat.requireDatabases=true), instead of counting every try as a rejected assumption.
 */
abstract class RequiresDatabase implements SkipExecutionHook {
    private final Dialect dialect;

    RequiresDatabase(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        try {
            TestDatabases.requireAvailable(dialect);
            return SkipResult.doNotSkip();
        } catch (TestAbortedException e) {
            return SkipResult.skip(e.getMessage());
        }
    }

    /** PostgreSQL must be reachable. */
    static final class Postgres extends RequiresDatabase {
        Postgres() {
            super(Dialect.POSTGRESQL);
        }
    }
}
