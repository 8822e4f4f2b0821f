package dev.txchat.jdbi;

import java.util.Locale;

/**
 * The SQL dialects {@link JdbiChatStore} speaks. Normally detected from the connection
 * ({@link java.sql.DatabaseMetaData#getDatabaseProductName()}); override it with
 * {@link JdbiChatStore#withDialect(Dialect)}. Each dialect has its own complete set of
 * migrations under {@code dev/txchat/jdbi/migrations/<folder>/} in the jar.
 */
public enum Dialect {
    /** H2 2.x (embedded or server mode), for tests, demos and single-process applications. */
    H2("h2"),
    /** PostgreSQL 12 or newer. */
    POSTGRESQL("postgresql"),
    /**
     * MariaDB 10.6 or newer, InnoDB tables. MySQL servers are detected as this dialect too,
     * but are untested: the schema uses MariaDB's {@code utf8mb4_nopad_bin} collation.
     */
    MARIADB("mariadb");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /**
     * The migrations folder of this dialect inside the jar, e.g.
     * {@code dev/txchat/jdbi/migrations/postgresql}; point Flyway's {@code locations} at
     * {@code classpath:} followed by it.
     *
     * @return the resource folder, without leading slash
     */
    public String migrationsLocation() {
        return "dev/txchat/jdbi/migrations/" + folder;
    }

    /**
     * The dialect of a database product name as JDBC drivers report it.
     *
     * @param productName {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
     * @return the matching dialect
     * @throws IllegalArgumentException if the product is not supported
     */
    public static Dialect fromProductName(String productName) {
        String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (name.contains("h2")) {
            return H2;
        }
        if (name.contains("postgres")) {
            return POSTGRESQL;
        }
        if (name.contains("mariadb") || name.contains("mysql")) {
            return MARIADB;
        }
        throw new IllegalArgumentException("unsupported database '" + productName
                + "': txchat supports H2, PostgreSQL and MariaDB; pass a Dialect to JdbiChatStore.withDialect"
                + " to override detection");
    }
}
