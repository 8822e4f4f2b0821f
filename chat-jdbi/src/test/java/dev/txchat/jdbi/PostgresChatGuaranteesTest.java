package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.ChatGuaranteesContract;

/** The testkit's {@code ChatGuaranteesContract} on Postgres (see {@link TestDatabases}). */
class PostgresChatGuaranteesTest extends ChatGuaranteesContract {
    @Override
    protected ChatStore createStore() {
        return TestDatabases.store(Dialect.POSTGRESQL);
    }
}
