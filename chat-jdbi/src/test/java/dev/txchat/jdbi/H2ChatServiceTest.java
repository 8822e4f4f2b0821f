package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatServiceContract;

/** The testkit's {@code ChatServiceContract} on H2 (see {@link TestDatabases}). */
class H2ChatServiceTest extends ChatServiceContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.H2);
    }
}
