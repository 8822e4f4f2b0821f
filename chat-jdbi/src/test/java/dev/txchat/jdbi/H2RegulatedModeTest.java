package dev.txchat.jdbi;

/** The testkit's {@code RegulatedModeContract} on H2 (see {@link TestDatabases}). */
class H2RegulatedModeTest extends JdbiRegulatedModeContract {
    @Override
    protected Dialect dialect() {
        return Dialect.H2;
    }
}
