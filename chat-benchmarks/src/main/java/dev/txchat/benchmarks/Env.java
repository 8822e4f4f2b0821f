package dev.txchat.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.ChatEventListener;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.ChatDataSources;
import dev.txchat.jdbi.JdbiChatStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One database as the benchmarks see it, on the tables of one prefix: a HikariCP pool shared
 * by txchat and its raw-JDBC baselines (same pool, same connections, same settings), the
 * {@link JdbiChatStore} on those tables, the {@link ChatService} (and a second one with a no-op
 * {@link ChatEventListener}), the actors, and the two baselines: {@link RawJdbc} on the same
 * tables and {@link RawMinimal} on its own. Thread-safe after {@link #open}; close it at the end
 * of the trial.
 */
public final class Env implements AutoCloseable {
    /** A message body of typical length, with nothing the content policy changes. */
    public static final String BODY = "Hello, the transfer arrived this morning - thank you for checking, all good now.";
    /** Pool size: one connection per benchmark thread (8) plus headroom; 32 threads share it. */
    public static final int POOL_SIZE = 10;
    /** The minimum retention of {@link #regulatedChat}: FINRA 4511's six years. */
    public static final java.time.Duration REGULATED_RETENTION = java.time.Duration.ofDays(6 * 365);
    public static final String TX_BUSINESS_USER = "bench-bu-tx";
    public static final String TX_ORGANIZATION = "bench-org-tx";

    public final BenchDatabase db;
    public final String prefix;
    public final HikariDataSource pool;
    public final DataSource dataSource;
    public final JdbiChatStore store;
    public final ChatService chat;
    /** The same service with one registered listener that does nothing. */
    public final ChatService listenedChat;
    /** The same service in regulated mode (versions, audit chain, retention of six years). */
    public final ChatService regulatedChat;
    public final RawJdbc raw;
    public final RawMinimal minimal;
    /** Staff user with every permission. */
    public final Actor staff = Actor.service(BenchData.STAFF_USER,
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
            ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_DELETION_EXECUTOR,
            ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);

    private Env(BenchDatabase db, String prefix, UnaryOperator<DataSource> wrap) {
        this.db = db;
        this.prefix = prefix;
        this.pool = ChatDataSources.hikari(db.url(), db.user(), db.password(), POOL_SIZE);
        this.dataSource = wrap.apply(pool);
        this.store = JdbiChatStore.create(dataSource).withTablePrefix(prefix);
        TransactionDirectory directory = transactionId -> Optional.of(new TransactionInfo(transactionId,
                Set.of(new WalletOwner(TX_BUSINESS_USER, TX_ORGANIZATION)), Map.of("amount", "120.50", "currency", "EUR")));
        this.chat = ChatService.builder().store(store).transactionDirectory(directory).build();
        this.listenedChat = ChatService.builder().store(store).transactionDirectory(directory)
                .listener(event -> { }).build();
        this.regulatedChat = ChatService.builder().store(store).transactionDirectory(directory)
                .compliance(CompliancePolicy.regulated(REGULATED_RETENTION)).build();
        this.raw = new RawJdbc(dataSource, db, prefix);
        this.minimal = new RawMinimal(dataSource, db);
    }

    /** Opens the pool on the large data set's tables without touching them; the caller loads. */
    public static Env openUnloaded(BenchDatabase db, DataSet set) {
        return new Env(db, set.prefix(), UnaryOperator.identity());
    }

    /** Opens the pool and makes sure the large data set is in place. */
    public static Env open(BenchDatabase db) {
        return open(db, DataSet.LARGE, UnaryOperator.identity());
    }

    /**
     * As {@link #open(BenchDatabase)} on {@code set}, with txchat and the baselines on
     * {@code wrap(pool)}; takes the data as it is when the runner says it prepared it
     * (property {@code txchat.bench.prepared}, set for the JMH forks).
     */
    public static Env open(BenchDatabase db, DataSet set, UnaryOperator<DataSource> wrap) {
        Env env = new Env(db, set.prefix(), wrap);
        try {
            if (!Boolean.getBoolean("txchat.bench.prepared")) {
                env.ensureLoaded(set, false);
            }
            return env;
        } catch (RuntimeException | SQLException e) {
            env.close();
            throw new IllegalStateException("cannot prepare " + db.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the pool on empty tables of {@code prefix}: drops whatever they hold and migrates
     * them afresh, with no statistics gathered (no {@code ANALYZE}).
     */
    public static Env openEmpty(BenchDatabase db, String prefix) throws SQLException {
        Env env = new Env(db, prefix, UnaryOperator.identity());
        try (Connection c = env.pool.getConnection()) {
            BenchData.drop(c, db, prefix);
            env.store.migrate();
            return env;
        } catch (RuntimeException | SQLException e) {
            env.close();
            throw e;
        }
    }

    /**
     * Loads {@code set} into this env's tables unless it is there with the configured sizes (or
     * {@code reset}), leaving reused data as it is but migrated to the store's current schema;
     * creates the minimal baseline's tables if missing.
     *
     * @return milliseconds spent loading, 0 when the data was reused
     */
    public long ensureLoaded(DataSet set, boolean reset) throws SQLException {
        minimal.createTables();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            if (!reset && BenchData.isLoaded(c, set)) {
                // the marker is written after migrate() and the load, so the schema is there;
                // a newer store upgrades it
                store.migrate();
                return 0;
            }
            long start = System.nanoTime();
            BenchData.drop(c, db, set.prefix());
            store.migrate();
            BenchData.load(c, db, set);
            return (System.nanoTime() - start) / 1_000_000;
        }
    }
    /** A fresh direct conversation between the staff user and a business user, with no messages. */
    public Conversation newConversation(String businessUser) {
        return chat.startConversation(staff, new StartConversation(
                ParticipantRef.businessUser(businessUser, "bench-org-post"), "Benchmark " + businessUser, null));
    }

    /** The staff participant of a conversation the staff user started. */
    public String staffParticipant(Conversation conversation) {
        return conversation.participants().stream()
                .filter(p -> p.type() == ParticipantType.SERVICE && BenchData.STAFF_USER.equals(p.userId()))
                .findFirst().orElseThrow().id().toString();
    }

    /** Posts {@code n} messages as the staff user. */
    public void post(Conversation conversation, int n) {
        for (int i = 0; i < n; i++) {
            chat.postMessage(staff, conversation.id(), NewMessage.of(BODY));
        }
    }

    /** A transaction chat opened by the staff user about a new transaction. */
    public TransactionChat openNewTransactionChat() {
        return chat.openTransactionChat(staff, new OpenTransactionChat(newTransactionId(),
                ParticipantRef.businessUser(TX_BUSINESS_USER, TX_ORGANIZATION), NewMessage.of(BODY)));
    }

    public static String newTransactionId() {
        return "bench-tx-" + UUID.randomUUID();
    }

    public String version() {
        try (Connection c = pool.getConnection()) {
            var meta = c.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        } catch (SQLException e) {
            return db.id() + " (version unknown: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            chat.close();
            listenedChat.close();
        } finally {
            pool.close();
        }
    }
}
