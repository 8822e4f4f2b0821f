package dev.txchat.jdbi;

import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.jdbi.internal.JdbiStoreTransaction;
import dev.txchat.jdbi.internal.Migrator;
import dev.txchat.jdbi.internal.ParticipantsCache;
import dev.txchat.jdbi.internal.PostgresFeedListener;
import dev.txchat.jdbi.internal.PostgresFeedNotifier;
import dev.txchat.jdbi.internal.Sql;
import dev.txchat.jdbi.internal.TransientErrors;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent {@link ChatStore}: JDBI 3 over the host's own database, on H2,
 * PostgreSQL or MariaDB.
 *
 * <pre>{@code
 * JdbiChatStore store = JdbiChatStore.create(dataSource);   // the host's pool
 * store.migrate();                                          // at startup, on every node
 * ChatService chat = ChatService.builder().store(store)...build();
 * }</pre>
 *
 * <h2>Configuration</h2>
 * A store is immutable: the {@code with…} methods return a new, differently configured
 * store sharing the same {@link Jdbi}.
 * <ul>
 *   <li>{@link #withTablePrefix(String)}: tables are named {@code <prefix>conversations},
 *       {@code <prefix>messages}, … (default {@value #DEFAULT_TABLE_PREFIX}), so several
 *       stores, or txchat and the host's own tables, can share one schema.</li>
 *   <li>{@link #withDialect(Dialect)}: skips detection, which otherwise reads
 *       {@link java.sql.DatabaseMetaData#getDatabaseProductName()} on first use.</li>
 *   <li>{@link #withMaxAttempts(int)}: how often a unit of work runs at most when the
 *       database reports a deadlock, serialization failure or lock timeout (default
 *       {@value #DEFAULT_MAX_ATTEMPTS}).</li>
 * </ul>
 *
 * <h2>Schema and {@link #migrate()}</h2>
 * The jar ships one complete, Flyway-compatible set of migrations per database under
 * {@code dev/txchat/jdbi/migrations/{h2,postgresql,mariadb}/V###__name.sql}, written with the
 * placeholder {@code ${prefix}} for the table prefix. {@code migrate()} applies the missing
 * ones in order and records each in {@code <prefix>schema_version}. It is idempotent, and
 * safe when several application nodes start at once: it holds a database lock while it works
 * (a PostgreSQL advisory lock, a MariaDB {@code GET_LOCK}, on H2 a row lock in
 * {@code <prefix>schema_lock}), so one node migrates while the others wait and then find
 * nothing to do. On PostgreSQL each script runs in one transaction; MariaDB and H2 commit
 * DDL statement by statement, so a script that fails midway there needs manual repair.
 *
 * <p><b>Flyway instead:</b> do not call {@code migrate()}; set
 * {@code flyway.locations=classpath:dev/txchat/jdbi/migrations/postgresql} (or
 * {@code mariadb}, {@code h2}) and {@code flyway.placeholders.prefix=chat_} (your prefix),
 * preferably with a dedicated history table ({@code flyway.table=chat_flyway_history}) if
 * the host migrates its own tables with Flyway too. Liquibase or hand-run scripts work the
 * same way: replace {@code ${prefix}}.
 *
 * <h2>Storage</h2>
 * Instants are BIGINT microseconds since the epoch (UTC), read back exactly whatever the
 * JVM or session time zone. Ids are canonical UUID strings compared bytewise. Text is
 * Unicode throughout (utf8mb4 on MariaDB). Ticket details are a JSON object of strings.
 *
 * <h2>Transactions and concurrency</h2>
 * {@link #inTransaction} runs the work in one database transaction at READ COMMITTED,
 * commits if it returns and rolls back if it throws. Uniqueness (one ticket per
 * transaction, one live conversation per live key, one message per client message id) is
 * held by unique keys; sequences and participant additions by locking the conversation row.
 * Deadlocks, serialization failures and lock timeouts re-run the whole unit of work, after
 * a short randomized pause, up to {@code maxAttempts} times; each retry logs one DEBUG line
 * (logger {@code dev.txchat.jdbi.JdbiChatStore}) with the attempt number and the SQLState.
 * Other database errors, and transient ones that persist, surface as
 * {@link ChatStoreException}; exceptions thrown by the work itself propagate unchanged.
 *
 * <p>When a store built with {@link #create(Jdbi)} is called from inside one of the host's
 * own JDBI transactions on the same {@code Jdbi} and thread (for example within
 * {@code jdbi.useTransaction(...)}), JDBI hands it the host's handle: the unit of work then
 * joins the host's transaction, commits or rolls back with it, and is not retried (a
 * transient failure surfaces as {@link ChatStoreException}, for the host to retry the whole
 * transaction). Its events reach listeners only after the host's commit, and never if the
 * host rolls back. The host's transaction should then run at READ COMMITTED.
 *
 * <p>Database settings: PostgreSQL and H2 run at their default READ COMMITTED (a stricter
 * default works too, at the cost of more retries); on MariaDB the store asks for READ
 * COMMITTED per transaction (one statement per unit of work, none when the host's pool
 * already hands out READ COMMITTED connections, e.g. with the MariaDB driver's
 * {@code transactionIsolation=READ-COMMITTED}; the session's own level is never changed). H2 URLs should raise the lock timeout for concurrent use, e.g.
 * {@code jdbc:h2:mem:chat;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000}. The migrations assume
 * MariaDB 10.6+, PostgreSQL 12+, H2 2.x.
 *
 * <p>Instances are immutable and thread-safe; share one per database. Connections come from
 * the {@code DataSource}/{@code Jdbi} for the duration of one unit of work; the pool should
 * allow as many connections as there are concurrent chat requests (on H2, {@code migrate()}
 * briefly uses two).
 */
public final class JdbiChatStore implements ChatStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbiChatStore.class);

    /** The table prefix unless {@link #withTablePrefix(String)} says otherwise. */
    public static final String DEFAULT_TABLE_PREFIX = "chat_";
    /** How often a unit of work runs at most when it keeps hitting transient failures. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    private final Jdbi jdbi;
    private final String tablePrefix;
    private final Dialect configuredDialect;
    private final int maxAttempts;
    private final boolean feedNotifications;
    /** Resolved lazily: detection needs a connection, which create(...) should not demand. */
    private volatile Sql sql;
    /** Participants of recently written conversations, checked against the locked row's version. */
    private final ParticipantsCache participantsCache = new ParticipantsCache();
    /** PostgreSQL only, created on the first subscription. */
    private PostgresFeedListener feedListener; // guarded by this

    private JdbiChatStore(Jdbi jdbi, String tablePrefix, Dialect dialect, int maxAttempts, boolean feedNotifications) {
        this.feedNotifications = feedNotifications;
        this.jdbi = jdbi;
        this.tablePrefix = Sql.checkPrefix(tablePrefix);
        this.configuredDialect = dialect;
        this.maxAttempts = maxAttempts;
        this.sql = dialect == null ? null : new Sql(dialect, tablePrefix);
    }

    /**
     * A store over {@code dataSource}, typically the host's connection pool (or one from
     * {@link ChatDataSources#hikari}). Opens no connection until first used.
     *
     * @param dataSource where connections come from; the store never closes it
     * @return a store with the default prefix, detecting the dialect on first use
     */
    public static JdbiChatStore create(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new JdbiChatStore(Jdbi.create(dataSource), DEFAULT_TABLE_PREFIX, null, DEFAULT_MAX_ATTEMPTS, true);
    }

    /**
     * A store over the host's configured {@link Jdbi}. The store changes nothing in it: its
     * statements use their own parser and template settings, and their own row mapping.
     *
     * @param jdbi the host's Jdbi
     * @return a store with the default prefix, detecting the dialect on first use
     */
    public static JdbiChatStore create(Jdbi jdbi) {
        Objects.requireNonNull(jdbi, "jdbi");
        return new JdbiChatStore(jdbi, DEFAULT_TABLE_PREFIX, null, DEFAULT_MAX_ATTEMPTS, true);
    }

    /**
     * The same store with tables named {@code prefix + "conversations"} and so on.
     *
     * @param prefix a lowercase letter, then up to 19 lowercase letters, digits or underscores
     * @return a new store; this one is unchanged
     * @throws IllegalArgumentException if it does not match {@code [a-z][a-z0-9_]{0,19}}
     */
    public JdbiChatStore withTablePrefix(String prefix) {
        return new JdbiChatStore(jdbi, prefix, knownDialect(), maxAttempts, feedNotifications);
    }

    /**
     * The same store speaking {@code dialect}, without asking the database what it is.
     *
     * @param dialect the database's dialect
     * @return a new store; this one is unchanged
     */
    public JdbiChatStore withDialect(Dialect dialect) {
        return new JdbiChatStore(jdbi, tablePrefix, Objects.requireNonNull(dialect, "dialect"), maxAttempts,
                feedNotifications);
    }

    /**
     * The same store running a unit of work at most {@code maxAttempts} times on transient
     * failures; 1 disables retrying.
     *
     * @param maxAttempts at least 1
     * @return a new store; this one is unchanged
     */
    public JdbiChatStore withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        return new JdbiChatStore(jdbi, tablePrefix, knownDialect(), maxAttempts, feedNotifications);
    }

    /**
     * The same store with PostgreSQL's {@code LISTEN/NOTIFY} wake-up of feed subscriptions on
     * or off (default on). Turn it off behind a pooler in transaction mode (PgBouncer), where
     * {@code LISTEN} does not work; subscriptions then poll at the service's
     * {@code feedPollInterval}. No effect on other databases.
     *
     * @return a new store; this one is unchanged
     */
    public JdbiChatStore withFeedNotifications(boolean enabled) {
        return new JdbiChatStore(jdbi, tablePrefix, knownDialect(), maxAttempts, enabled);
    }

    /** @return the table prefix */
    public String tablePrefix() {
        return tablePrefix;
    }

    /**
     * @return the dialect, detected from the database on first call unless configured
     * @throws ChatStoreException if detection cannot reach the database
     */
    public Dialect dialect() {
        return sql().dialect();
    }

    /** @return the {@link Jdbi} this store runs on */
    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Creates the tables, or upgrades them to this version of txchat: applies, in order, the
     * migrations not yet recorded in {@code <prefix>schema_version}. Idempotent, and safe to
     * call from several nodes at once (see the class documentation). Call it at startup,
     * before the first chat call, unless the host runs the scripts with Flyway.
     *
     * @throws ChatStoreException if the database refuses a statement
     */
    public void migrate() {
        try {
            new Migrator(jdbi, sql()).migrate();
        } catch (JdbiException e) {
            throw new ChatStoreException("migrating the txchat tables (prefix " + tablePrefix + ") failed: "
                    + e.getMessage(), TransientErrors.sqlState(e), e);
        } catch (IllegalStateException e) {
            // tables another tool manages, or a shipped script that changed since it was applied
            throw new ChatStoreException(e.getMessage(), null, e);
        }
    }

    @Override
    public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
        return inTransaction(work, true);
    }

    /**
     * Never joins a host transaction: the change feed's sequencer and readers take a lock
     * that every node's readers wait for, and hand out positions that must never be rolled
     * back by someone else's transaction.
     */
    @Override
    public <T> T inOwnTransaction(Function<ChatStoreTransaction, T> work) {
        return inTransaction(work, false);
    }

    private <T> T inTransaction(Function<ChatStoreTransaction, T> work, boolean mayJoin) {
        Objects.requireNonNull(work, "work");
        Sql statements = sql();
        for (int attempt = 1; ; attempt++) {
            boolean[] joined = {false};
            // a handle the host opened on this thread (jdbi.useHandle/useTransaction around the call)
            boolean hostHandle = mayJoin && jdbi.getHandleScope().get() != null;
            try {
                org.jdbi.v3.core.HandleCallback<T, RuntimeException> callback = h -> {
                    if (hostHandle && h.isInTransaction()) {
                        // called inside the host's own transaction on this Jdbi: join it
                        joined[0] = true;
                        return joinHostTransaction(h, statements, work);
                    }
                    if (h.isInTransaction()) {
                        // a pool that hands out connections with auto-commit off: the transaction is ours
                        return ownOpenTransaction(h, statements, work);
                    }
                    JdbiStoreTransaction[] unit = {null};
                    T result = h.inTransaction(tx -> {
                        statements.customization().beforeFirstStatement(tx);
                        unit[0] = new JdbiStoreTransaction(tx, statements, participantsCache, false,
                                this::feedCommitted);
                        return JdbiStoreTransaction.run(work, unit[0]);
                    });
                    unit[0].committed();
                    return result;
                };
                if (mayJoin) {
                    return jdbi.withHandle(callback);
                }
                // open(), not withHandle(): JDBI would hand back the host's handle bound to this thread
                try (Handle own = jdbi.open()) {
                    return callback.withHandle(own);
                }
            } catch (RuntimeException e) {
                boolean isTransient = TransientErrors.isTransient(e);
                if (isTransient && !joined[0] && attempt < maxAttempts) {
                    // the SQLState and exception type only: a statement's bound arguments may hold user text
                    LOG.debug("txchat transaction attempt {} of {} hit a transient failure (SQLState {}, {}); retrying",
                            attempt, maxAttempts, TransientErrors.sqlState(e), e.getClass().getName());
                    pause(attempt);
                    continue;
                }
                if (e instanceof JdbiException || isTransient) {
                    String retried = isTransient && !joined[0] ? "gave up after " + attempt + " attempts: " : "";
                    throw new ChatStoreException(retried + e.getMessage(), TransientErrors.sqlState(e), e);
                }
                throw e;
            }
        }
    }

    /**
     * Runs the work inside the host's transaction, behind a savepoint: if the work fails
     * midway (a validation or conflict found after a first write), what it wrote is rolled
     * back to the savepoint and the host's transaction stays usable and unchanged by it.
     */
    private <T> T joinHostTransaction(Handle h, Sql statements, Function<ChatStoreTransaction, T> work) {
        String savepoint = "txchat_" + SAVEPOINTS.incrementAndGet();
        h.savepoint(savepoint);
        T result;
        try {
            result = JdbiStoreTransaction.run(work,
                    new JdbiStoreTransaction(h, statements, participantsCache, true, this::feedCommitted));
        } catch (RuntimeException | Error e) {
            try {
                h.rollbackToSavepoint(savepoint);
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        h.releaseSavepoint(savepoint);
        return result;
    }

    /**
     * Runs the work on a connection the pool handed out with auto-commit off, and commits
     * (or rolls back) itself: nobody else will, and a pool rolls back what is left open.
     */
    private <T> T ownOpenTransaction(Handle h, Sql statements, Function<ChatStoreTransaction, T> work) {
        // a connection fresh from the pool: no statement ran yet, so no transaction is in progress
        statements.customization().beforeFirstStatement(h);
        T result;
        JdbiStoreTransaction unit = new JdbiStoreTransaction(h, statements, participantsCache, false,
                this::feedCommitted);
        try {
            result = JdbiStoreTransaction.run(work, unit);
        } catch (RuntimeException | Error e) {
            try {
                h.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        h.commit();
        unit.committed();
        return result;
    }

    /**
     * Feed entries of this node committed: on PostgreSQL every node's subscriptions are woken
     * by a {@code NOTIFY} sent after the commit (see {@link PostgresFeedNotifier}).
     */
    private void feedCommitted() {
        Sql statements = sql();
        if (!statements.customization().notifiesFeedAppends()) {
            return;
        }
        PostgresFeedNotifier notifier = feedNotifier;
        if (notifier == null) {
            synchronized (this) {
                if (feedNotifier == null) {
                    feedNotifier = new PostgresFeedNotifier(jdbi, statements.feedChannel);
                }
                notifier = feedNotifier;
            }
        }
        notifier.signal();
    }

    private volatile PostgresFeedNotifier feedNotifier;

    private static final java.util.concurrent.atomic.AtomicLong SAVEPOINTS = new java.util.concurrent.atomic.AtomicLong();

    /** Randomized, growing pause so that transactions which collided do not collide again. */
    private static void pause(int attempt) {
        long bound = Math.min(5L << attempt, 200L);
        try {
            TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatStoreException("interrupted while retrying a transaction", e);
        }
    }

    private Dialect knownDialect() {
        Sql resolved = sql;
        return resolved == null ? configuredDialect : resolved.dialect();
    }

    private Sql sql() {
        Sql resolved = sql;
        if (resolved == null) {
            String product;
            try {
                product = jdbi.withHandle(h -> h.getConnection().getMetaData().getDatabaseProductName());
            } catch (SQLException | JdbiException e) {
                throw new ChatStoreException("cannot reach the database to detect its dialect: " + e.getMessage(),
                        TransientErrors.sqlState(e), e);
            }
            resolved = new Sql(Dialect.fromProductName(product), tablePrefix);
            sql = resolved;
        }
        return resolved;
    }

    /**
     * On PostgreSQL, wakes {@code wakeUp} within milliseconds of any node appending to the
     * change feed ({@code LISTEN/NOTIFY}; one pooled connection is held while any
     * subscription runs). Other databases tell nothing and subscriptions poll.
     */
    @Override
    public AutoCloseable onFeedAppended(Runnable wakeUp) {
        Objects.requireNonNull(wakeUp, "wakeUp");
        Sql statements = sql();
        if (!statements.customization().notifiesFeedAppends() || !feedNotifications) {
            return () -> {
            };
        }
        synchronized (this) {
            if (feedListener == null) {
                feedListener = new PostgresFeedListener(jdbi, statements.feedChannel);
            }
            return feedListener.register(wakeUp);
        }
    }

    /**
     * True: every regulated-mode operation is implemented (schema V007), on H2, PostgreSQL and
     * MariaDB alike.
     */
    @Override
    public boolean supportsRegulatedMode() {
        return true;
    }

    @Override
    public String toString() {
        Sql resolved = sql;
        return "JdbiChatStore[prefix=" + tablePrefix + ", dialect="
                + (resolved == null ? "undetected" : resolved.dialect()) + "]";
    }
}
