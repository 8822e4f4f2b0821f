package dev.txchat.jdbi;

/** The testkit's {@code RegulatedModeContract} on PostgreSQL (see {@link TestDatabases}). */
class PostgresRegulatedModeTest extends JdbiRegulatedModeContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
