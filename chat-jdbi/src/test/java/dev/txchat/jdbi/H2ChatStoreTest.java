package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatStoreContract;

/** The testkit's {@code ChatStoreContract} on H2 (see {@link TestDatabases}). */
class H2ChatStoreTest extends ChatStoreContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.H2);
    }
}
