package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.AuthorizationMatrixContract;

/** The testkit's {@code AuthorizationMatrixContract} on MariaDb (see {@link TestDatabases}). */
class MariaDbAuthorizationMatrixTest extends AuthorizationMatrixContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.MARIADB);
    }
}
