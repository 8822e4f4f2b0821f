package dev.txchat.benchmarks;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The databases the suite runs on and how to reach them. URLs and users come from system
 * properties ({@code txchat.bench.<name>.url}, {@code .user}, {@code .password}) so the
 * forked benchmark JVMs see exactly what the runner saw. Immutable.
 */
public enum BenchDatabase {
    /** Embedded H2 in a file, so that data loaded once is reused by every forked JVM. */
    H2("h2", null, "sa"),
    /** The local PostgreSQL 15. */
    POSTGRESQL("postgresql", "jdbc:postgresql://127.0.0.1:5432/test?reWriteBatchedInserts=true", "postgres"),
    /** The local MariaDB 10.11 (optional). */
    MARIADB("mariadb", "jdbc:mariadb://127.0.0.1:3306/test?rewriteBatchedStatements=true", "root");

    private final String id;
    private final String defaultUrl;
    private final String defaultUser;

    BenchDatabase(String id, String defaultUrl, String defaultUser) {
        this.id = id;
        this.defaultUrl = defaultUrl;
        this.defaultUser = defaultUser;
    }

    /** The name used in {@code @Param} values and in results. */
    public String id() {
        return id;
    }

    public String url() {
        String url = System.getProperty("txchat.bench." + id + ".url");
        if (url != null) {
            return url;
        }
        if (this == H2) {
            Path file = Path.of(System.getProperty("txchat.bench.dir", "target/bench-data")).toAbsolutePath()
                    .resolve("txchat-bench");
            // the row lock wait must outlast a burst of 8 writers on one hot conversation
            return "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000";
        }
        return defaultUrl;
    }

    public String user() {
        return System.getProperty("txchat.bench." + id + ".user", defaultUser);
    }

    public String password() {
        return System.getProperty("txchat.bench." + id + ".password", "");
    }

    /** The database named by a {@code @Param} value. */
    public static BenchDatabase of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
