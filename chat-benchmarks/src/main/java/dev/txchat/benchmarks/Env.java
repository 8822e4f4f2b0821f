package dev.txchat.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
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
 * One database as the benchmarks see it: a HikariCP pool shared by txchat and its raw-JDBC
 * baseline (same pool, same connections, same settings), the {@link JdbiChatStore} on the
 * {@code bench_} tables, the {@link ChatService}, and the actors. Thread-safe after
 * {@link #open}; close it at the end of the trial.
 */
public final class Env implements AutoCloseable {
    /** A message body of typical length, with nothing the content policy changes. */
    public static final String BODY = "Hello, the transfer arrived this morning - thank you for checking, all good now.";
    /** Pool size: one connection per benchmark thread plus headroom. */
    public static final int POOL_SIZE = 10;
    public static final String TX_BUSINESS_USER = "bench-bu-tx";
    public static final String TX_ORGANIZATION = "bench-org-tx";

    public final BenchDatabase db;
    public final HikariDataSource pool;
    public final DataSource dataSource;
    public final JdbiChatStore store;
    public final ChatService chat;
    public final RawJdbc raw;
    /** Staff user with every permission. */
    public final Actor staff = Actor.service(BenchData.STAFF_USER,
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
            ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_DELETION_EXECUTOR,
            ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);

    private Env(BenchDatabase db, UnaryOperator<DataSource> wrap) {
        this.db = db;
        this.pool = ChatDataSources.hikari(db.url(), db.user(), db.password(), POOL_SIZE);
        this.dataSource = wrap.apply(pool);
        this.store = JdbiChatStore.create(dataSource).withTablePrefix(BenchData.PREFIX);
        TransactionDirectory directory = transactionId -> Optional.of(new TransactionInfo(transactionId,
                Set.of(new WalletOwner(TX_BUSINESS_USER, TX_ORGANIZATION)), Map.of("amount", "120.50", "currency", "EUR")));
        this.chat = ChatService.builder().store(store).transactionDirectory(directory).build();
        this.raw = new RawJdbc(dataSource, db, BenchData.PREFIX);
    }

    /** Opens the pool without touching the tables; the caller runs {@link #ensureLoaded}. */
    public static Env openUnloaded(BenchDatabase db) {
        return new Env(db, UnaryOperator.identity());
    }

    /** Opens the pool and makes sure the schema and the data set are in place. */
    public static Env open(BenchDatabase db) {
        return open(db, UnaryOperator.identity());
    }

    /** As {@link #open(BenchDatabase)}, with txchat and the baseline on {@code wrap(pool)}. */
    public static Env open(BenchDatabase db, UnaryOperator<DataSource> wrap) {
        Env env = new Env(db, wrap);
        try {
            env.ensureLoaded(false);
            return env;
        } catch (RuntimeException | SQLException e) {
            env.close();
            throw new IllegalStateException("cannot prepare " + db.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads the data set unless it is there with the configured sizes (or {@code reset}),
     * leaving reused data as it is.
     *
     * @return milliseconds spent loading, 0 when the data was reused
     */
    public long ensureLoaded(boolean reset) throws SQLException {
        return ensureLoaded(reset, false);
    }

    /**
     * As {@link #ensureLoaded(boolean)}; with {@code trim}, reused data is first put back to
     * its loaded state ({@link BenchData#trim}).
     */
    public long ensureLoaded(boolean reset, boolean trim) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            if (!reset && BenchData.isLoaded(c)) {
                if (trim) {
                    BenchData.trim(c, db);
                }
                // the marker is written after migrate() and the load, so the schema is there
                return 0;
            }
            long start = System.nanoTime();
            BenchData.drop(c, db);
            store.migrate();
            BenchData.load(c, db);
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
        pool.close();
    }
}
