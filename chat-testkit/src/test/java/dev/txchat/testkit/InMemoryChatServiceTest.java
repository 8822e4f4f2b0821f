package dev.txchat.testkit;

import dev.txchat.core.spi.ChatStore;

/** Runs the {@link ChatServiceContract} against a fresh {@link InMemoryChatStore} for each test. */
class InMemoryChatServiceTest extends ChatServiceContract {

    @Override
    protected ChatStore createStore() {
        return new InMemoryChatStore();
    }
}
