package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatStoreContract;

/** The testkit's {@code ChatStoreContract} on MariaDb (see {@link TestDatabases}). */
class MariaDbChatStoreTest extends ChatStoreContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.MARIADB);
    }
}
