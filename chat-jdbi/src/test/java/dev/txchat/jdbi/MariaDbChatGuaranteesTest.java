package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatGuaranteesContract;

/** The testkit's {@code ChatGuaranteesContract} on MariaDb (see {@link TestDatabases}). */
class MariaDbChatGuaranteesTest extends ChatGuaranteesContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.MARIADB);
    }
}
