package dev.txchat.jdbi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link FlywayManagedStoreContract} on MariaDB: txchat's tables made by plain Flyway in a fresh
 * database that already holds a host table.
 */
class MariaDbFlywayManagedChatStoreTest extends FlywayManagedStoreContract {
    private static FlywayManagedSchema schema;

    @BeforeAll
    static void applyTxchatMigrationsWithFlyway() {
        schema = FlywayManagedSchema.create(Dialect.MARIADB);
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) {
            schema.drop();
        }
    }

    @Override
    protected FlywayManagedSchema schema() {
        return schema;
    }
}
