package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatServiceContract;

/** The testkit's {@code ChatServiceContract} on Postgres (see {@link TestDatabases}). */
class PostgresChatServiceTest extends ChatServiceContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.POSTGRESQL);
    }
}
