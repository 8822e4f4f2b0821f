package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatGuaranteesContract;

/** The testkit's {@code ChatGuaranteesContract} on H2 (see {@link TestDatabases}). */
class H2ChatGuaranteesTest extends ChatGuaranteesContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.H2);
    }
}
