package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * {@link HostileInputProperties} on PostgreSQL (see {@link TestDatabases}: skipped when the
 * server is down, unless the databases are required), with
 * fewer tries than on H2 to keep the run short.
 */
@PropertyDefaults(tries = 100)
@AddLifecycleHook(RequiresDatabase.Postgres.class)
class PostgresHostileInputTest extends HostileInputProperties {
    @Override
    protected ChatStore store() {
        return TestDatabases.store(Dialect.POSTGRESQL);
    }
}
