package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatFeedContract;

/** The testkit's {@code ChatFeedContract} on MariaDb (see {@link TestDatabases}). */
class MariaDbChatFeedTest extends ChatFeedContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.MARIADB);
    }

    @Override
    protected ChatStore createEmptyStore() {
        return TestDatabases.freshStore(Dialect.MARIADB, "feedprune_");
    }
}
