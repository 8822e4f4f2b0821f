package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.ConversationId;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.StoredConversation;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JdbiChatStore} itself: retries, error reporting, configuration, exact text storage. */
class JdbiChatStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678901Z");

    private static JdbiChatStore h2() {
        return TestDatabases.store(Dialect.H2);
    }

    private static Optional<StoredConversation> find(JdbiChatStore store, ConversationId id) {
        return store.inTransaction(t -> t.findConversation(id));
    }

    /** What a driver reports for a deadlock, as JDBI wraps it. */
    private static RuntimeException deadlock() {
        return new UnableToExecuteStatementException(new SQLTransactionRollbackException("deadlock detected", "40P01"),
                null);
    }

    @Test
    void aUnitOfWorkHitByATransientFailureIsRolledBackAndRunAgain() {
        AtomicInteger attempts = new AtomicInteger();
        ConversationId firstTry = ConversationId.random();

        ConversationId result = h2().inTransaction(t -> {
            if (attempts.incrementAndGet() == 1) {
                MigrateTest.createConversationIn(t, firstTry);
                throw deadlock();
            }
            ConversationId id = ConversationId.random();
            MigrateTest.createConversationIn(t, id);
            return id;
        });

        assertThat(attempts).hasValue(2);
        assertThat(find(h2(), result)).isPresent();
        assertThat(find(h2(), firstTry)).as("written by the failed attempt").isEmpty();
    }

    @Test
    void aTransientFailureThatPersistsGivesUpAfterMaxAttemptsWithAChatStoreException() {
        AtomicInteger attempts = new AtomicInteger();
        JdbiChatStore store = h2().withMaxAttempts(3);

        assertThatThrownBy(() -> store.inTransaction(t -> {
            attempts.incrementAndGet();
            throw deadlock();
        }))
                .isInstanceOf(ChatStoreException.class)
                .hasMessageContaining("gave up after 3 attempts")
                .satisfies(e -> assertThat(((ChatStoreException) e).sqlState()).isEqualTo("40P01"));
        assertThat(attempts).hasValue(3);
    }

    @Test
    void anExceptionFromTheWorkPropagatesUnchangedWithoutRetryAndRollsBack() {
        AtomicInteger attempts = new AtomicInteger();
        ConversationId id = ConversationId.random();
        IllegalStateException failure = new IllegalStateException("rule broken");

        assertThatThrownBy(() -> h2().inTransaction(t -> {
            attempts.incrementAndGet();
            MigrateTest.createConversationIn(t, id);
            throw failure;
        })).isSameAs(failure);
        assertThat(attempts).hasValue(1);
        assertThat(find(h2(), id)).isEmpty();
    }

    @Test
    void aDatabaseErrorThatIsNotTransientIsReportedOnceAsAChatStoreException() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> h2().inTransaction(t -> {
            attempts.incrementAndGet();
            throw new UnableToExecuteStatementException(new SQLException("syntax error", "42000"), null);
        })).isInstanceOf(ChatStoreException.class).hasMessageContaining("syntax error");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aUnitOfWorkCalledInsideTheHostsJdbiTransactionJoinsItAndRollsBackWithIt() {
        JdbiChatStore store = h2();
        ConversationId id = ConversationId.random();
        IllegalStateException hostFailure = new IllegalStateException("host work failed");

        assertThatThrownBy(() -> store.jdbi().useTransaction(h -> {
            store.inTransaction(t -> MigrateTest.createConversationIn(t, id));
            assertThat(find(store, id)).as("visible inside the host's transaction").isPresent();
            throw hostFailure;
        })).isSameAs(hostFailure);

        assertThat(find(store, id)).isEmpty();
    }

    @Test
    void configurationReturnsNewStoresAndLeavesTheOriginalUnchanged() {
        JdbiChatStore original = JdbiChatStore.create(h2().jdbi());

        JdbiChatStore configured = original.withTablePrefix("other_").withDialect(Dialect.H2).withMaxAttempts(2);

        assertThat(original.tablePrefix()).isEqualTo(JdbiChatStore.DEFAULT_TABLE_PREFIX);
        assertThat(configured.tablePrefix()).isEqualTo("other_");
        assertThat(configured.dialect()).isEqualTo(Dialect.H2);
        assertThat(configured.jdbi()).isSameAs(original.jdbi());
        assertThatThrownBy(() -> original.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JdbiChatStore.create((javax.sql.DataSource) null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void anUnsupportedDatabaseProductIsNamedInTheError() {
        assertThat(Dialect.fromProductName("PostgreSQL")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.fromProductName("MariaDB")).isEqualTo(Dialect.MARIADB);
        assertThat(Dialect.fromProductName("MySQL")).isEqualTo(Dialect.MARIADB);
        assertThat(Dialect.fromProductName("H2")).isEqualTo(Dialect.H2);
        assertThatThrownBy(() -> Dialect.fromProductName("Oracle"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Oracle");
    }

    @Test
    void chatDataSourcesBuildsAWorkingPoolWithTheDocumentedDefaults() {
        try (var pool = ChatDataSources.hikari("jdbc:h2:mem:pool_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa",
                "")) {
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix("pooled_");
            store.migrate();

            assertThat(pool.getMaximumPoolSize()).isEqualTo(ChatDataSources.DEFAULT_MAXIMUM_POOL_SIZE);
            assertThat(pool.getConnectionTimeout())
                    .isEqualTo(ChatDataSources.DEFAULT_CONNECTION_TIMEOUT.toMillis());
            assertThat(store.dialect()).isEqualTo(Dialect.H2);
            ConversationId id = MigrateTest.createConversation(store);
            assertThat(find(store, id)).isPresent();
        }
        assertThatThrownBy(() -> ChatDataSources.hikari("jdbc:h2:mem:x", null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoTransactionsThatDeadlockBothSucceedThanksToTheRetry(Dialect dialect) throws Exception {
        JdbiChatStore store = TestDatabases.store(dialect);
        ConversationId a = MigrateTest.createConversation(store);
        ConversationId b = MigrateTest.createConversation(store);
        CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> runs = List.of(
                    pool.submit(() -> lockBoth(store, a, b, bothHoldTheirFirstLock, attempts)),
                    pool.submit(() -> lockBoth(store, b, a, bothHoldTheirFirstLock, attempts)));

            for (Future<Integer> run : runs) {
                assertThat(run.get(120, TimeUnit.SECONDS)).isEqualTo(2);
            }
            assertThat(attempts.get()).as("attempts, one of them retried after the deadlock").isGreaterThan(2);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int lockBoth(JdbiChatStore store, ConversationId first, ConversationId second,
                                CyclicBarrier barrier, AtomicInteger attempts) {
        AtomicInteger mine = new AtomicInteger();
        return store.inTransaction(t -> {
            attempts.incrementAndGet();
            t.lockConversation(first).orElseThrow();
            if (mine.incrementAndGet() == 1) {
                try {
                    barrier.await(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            t.lockConversation(second).orElseThrow();
            return 2;
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void uniqueKeysCompareExactlyNotIgnoringCaseAccentsOrTrailingSpaces(Dialect dialect) {
        JdbiChatStore store = TestDatabases.store(dialect);
        String base = "Tx-" + UUID.randomUUID();
        List<String> variants = List.of(base, base.toLowerCase(java.util.Locale.ROOT), base + " ", base + "é",
                base + "e\u0301");

        List<Boolean> created = variants.stream()
                .map(id -> store.inTransaction(t -> t.findOrCreateTicket(TicketId.random(), id, Map.of(), NOW)).created())
                .toList();

        assertThat(created).containsOnly(true);
        for (String id : variants) {
            Optional<TransactionTicket> found = store.inTransaction(t -> t.findTicket(id));
            assertThat(found).map(TransactionTicket::transactionId).contains(id);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void ticketDetailsKeepEvenNulCharactersAndUnpairedSurrogates(Dialect dialect) {
        JdbiChatStore store = TestDatabases.store(dialect);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("nul", "a\u0000b");
        details.put("lone \uD800 surrogate", "x\uDC00y");
        details.put("escapes", "\\u0041 \" \\ / \b\f\r\u007f");
        details.put("emoji 👩‍💻", "🏦💸");
        String transactionId = "details-" + UUID.randomUUID();

        store.inTransaction(t -> t.findOrCreateTicket(TicketId.random(), transactionId, details, NOW));
        TransactionTicket ticket = store.inTransaction(t -> t.findTicket(transactionId)).orElseThrow();

        assertThat(ticket.details()).isEqualTo(details);
    }
}
