package dev.txchat.testkit;

import dev.txchat.core.spi.ChatStore;

/** Runs the {@link AuthorizationMatrixContract} against a fresh {@link InMemoryChatStore}. */
class InMemoryAuthorizationMatrixTest extends AuthorizationMatrixContract {

    @Override
    protected ChatStore createStore() {
        return new InMemoryChatStore();
    }
}
