package dev.txchat.jdbi;

/** The testkit's {@code RegulatedModeContract} on MariaDB (see {@link TestDatabases}). */
class MariaDbRegulatedModeTest extends JdbiRegulatedModeContract {
    @Override
    protected Dialect dialect() {
        return Dialect.MARIADB;
    }
}
