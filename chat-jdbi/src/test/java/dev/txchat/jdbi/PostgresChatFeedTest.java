package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatFeedContract;

/** The testkit's {@code ChatFeedContract} on Postgres (see {@link TestDatabases}). */
class PostgresChatFeedTest extends ChatFeedContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.POSTGRESQL);
    }

    @Override
    protected ChatStore createEmptyStore() {
        return TestDatabases.freshStore(Dialect.POSTGRESQL, "feedprune_");
    }
}
