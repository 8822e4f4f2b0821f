package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.AuthorizationMatrixContract;

/** The testkit's {@code AuthorizationMatrixContract} on MariaDb (see {@link TestDatabases}). */
class MariaDbAuthorizationMatrixTest extends AuthorizationMatrixContract {
    /**
     * Tables of their own: the matrix calls {@code purgeExpired}, which purges every
     * conversation past retention in the store, and on the shared tables would purge (and
     * count) the other suites' conversations.
     */
    @Override
    protected ChatStore createStore() {
        return TestDatabases.freshStore(Dialect.MARIADB, "authz_");
    }
}
