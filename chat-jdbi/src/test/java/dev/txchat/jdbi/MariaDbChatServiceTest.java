package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatServiceContract;

/** The testkit's {@code ChatServiceContract} on MariaDb (see {@link TestDatabases}). */
class MariaDbChatServiceTest extends ChatServiceContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.MARIADB);
    }
}
