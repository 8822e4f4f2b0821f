package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.AuthorizationMatrixContract;

/** The testkit's {@code AuthorizationMatrixContract} on Postgres (see {@link TestDatabases}). */
class PostgresAuthorizationMatrixTest extends AuthorizationMatrixContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.POSTGRESQL);
    }
}
