package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.AuthorizationMatrixContract;

/** The testkit's {@code AuthorizationMatrixContract} on H2 (see {@link TestDatabases}). */
class H2AuthorizationMatrixTest extends AuthorizationMatrixContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.H2);
    }
}
