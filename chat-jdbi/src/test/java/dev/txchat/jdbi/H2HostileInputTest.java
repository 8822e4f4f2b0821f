package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;

/** {@link HostileInputProperties} on H2 (see {@link TestDatabases}). */
class H2HostileInputTest extends HostileInputProperties {
    @Override
    protected ChatStore store() {
        return TestDatabases.store(Dialect.H2);
    }
}
