package dev.txchat.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pooled {@link javax.sql.DataSource}s for hosts that have no pool of their own.
 *
 * <p>HikariCP is an <em>optional</em> dependency of {@code chat-jdbi}: to use this class add
 * {@code com.zaxxer:HikariCP} to your application. Hosts that already have a pool pass
 * their own {@code DataSource} to {@link JdbiChatStore#create(javax.sql.DataSource)} and
 * never load this class or HikariCP.
 *
 * <p>The returned pools are thread-safe; close them when the application stops.
 */
public final class ChatDataSources {

    /** Connections kept at most: enough for a few concurrent chat requests per node. */
    public static final int DEFAULT_MAXIMUM_POOL_SIZE = 10;
    /** Idle connections kept ready. */
    public static final int DEFAULT_MINIMUM_IDLE = 2;
    /** How long a caller waits for a free connection before failing. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /** How long an unused connection above the minimum stays open. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Upper bound on a connection's life, below typical server and firewall timeouts. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);

    private static final AtomicInteger POOLS = new AtomicInteger();

    private ChatDataSources() {
    }

    /**
     * A HikariCP pool with the {@code DEFAULT_*} settings of this class.
     *
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://db:5432/app}, {@code jdbc:mariadb://db:3306/app}
     *                 or {@code jdbc:h2:mem:chat;DB_CLOSE_DELAY=-1}
     * @param user     the database user, or null when the URL carries it
     * @param password the password, or null
     * @return a started pool; the caller closes it
     */
    public static HikariDataSource hikari(String jdbcUrl, String user, String password) {
        return hikari(jdbcUrl, user, password, DEFAULT_MAXIMUM_POOL_SIZE);
    }

    /**
     * As {@link #hikari(String, String, String)} with another maximum pool size.
     *
     * @param jdbcUrl         the JDBC URL
     * @param user            the database user, or null when the URL carries it
     * @param password        the password, or null
     * @param maximumPoolSize at least 1
     * @return a started pool; the caller closes it
     */
    public static HikariDataSource hikari(String jdbcUrl, String user, String password, int maximumPoolSize) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize must be at least 1");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("txchat-" + POOLS.incrementAndGet());
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(maximumPoolSize);
        config.setMinimumIdle(Math.min(DEFAULT_MINIMUM_IDLE, maximumPoolSize));
        config.setConnectionTimeout(DEFAULT_CONNECTION_TIMEOUT.toMillis());
        config.setIdleTimeout(DEFAULT_IDLE_TIMEOUT.toMillis());
        config.setMaxLifetime(DEFAULT_MAX_LIFETIME.toMillis());
        return new HikariDataSource(config);
    }
}
