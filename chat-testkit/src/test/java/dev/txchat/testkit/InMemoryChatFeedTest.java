package dev.txchat.testkit;

import dev.txchat.core.spi.ChatStore;

/** {@link ChatFeedContract} on the in-memory store. */
class InMemoryChatFeedTest extends ChatFeedContract {
    private static final InMemoryChatStore STORE = new InMemoryChatStore();

    @Override
    protected ChatStore createStore() {
        return STORE;
    }

    @Override
    protected ChatStore createEmptyStore() {
        return new InMemoryChatStore();
    }
}
