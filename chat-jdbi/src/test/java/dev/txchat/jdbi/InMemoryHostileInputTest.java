package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.InMemoryChatStore;

/** {@link HostileInputProperties} on the testkit's in-memory store, the reference behaviour. */
class InMemoryHostileInputTest extends HostileInputProperties {
    private static final ChatStore STORE = new InMemoryChatStore();

    @Override
    protected ChatStore store() {
        return STORE;
    }
}
