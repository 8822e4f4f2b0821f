package dev.txchat.testkit;

import dev.txchat.core.spi.ChatStore;

/** {@link ChatGuaranteesContract} on the in-memory store, whose units of work never interleave. */
class InMemoryChatGuaranteesTest extends ChatGuaranteesContract {
    private static final InMemoryChatStore STORE = new InMemoryChatStore();

    @Override
    protected ChatStore createStore() {
        return STORE;
    }

    @Override
    protected boolean unitsOfWorkInterleave() {
        return false;
    }
}
