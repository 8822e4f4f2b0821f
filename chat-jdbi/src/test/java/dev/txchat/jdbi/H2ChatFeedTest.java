package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatFeedContract;

/** The testkit's {@code ChatFeedContract} on H2 (see {@link TestDatabases}). */
class H2ChatFeedTest extends ChatFeedContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.H2);
    }

    @Override
    protected ChatStore createEmptyStore() {
        return TestDatabases.freshStore(Dialect.H2, "feedprune_");
    }
}
