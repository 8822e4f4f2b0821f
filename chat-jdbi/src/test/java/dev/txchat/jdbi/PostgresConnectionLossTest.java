package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * PostgreSQL going away under load: a bounded load of posts runs through a HikariCP pool
 * ({@link ChatDataSources#hikari}) while, midway, every server session of that pool is
 * terminated. Calls in flight may fail, with a {@link ChatStoreException}; the store and pool
 * are not recreated, every later call succeeds, and nothing acknowledged is lost.
 *
 * <p>A real server restart runs only on request, because it disturbs everything else using
 * the server: {@code mvn -pl chat-jdbi test -Dtest=PostgresConnectionLossTest
 * -Dtxchat.faults.restartPostgres=true} (it runs {@code pg_ctlcluster
 * --skip-systemctl-redirect <version> main restart}; the version is the only directory in
 * {@code /etc/postgresql} unless {@code -Dtxchat.faults.postgresVersion=15} says otherwise).
 */
class PostgresConnectionLossTest {

    private static final String PREFIX = "jdbikill_";
    private static final int THREADS = 4;
    private static final int POSTS_PER_THREAD = 200;
    private static final int POOL_SIZE = 8;
    private static final Actor STAFF = FaultInjectionTest.staff("kill-staff");

    @Test
    void terminatingEveryPooledSessionMidLoadFailsOnlyCallsInFlightAndLosesNoAcknowledgedMessage() throws Exception {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        String application = "txchat-kill-" + UUID.randomUUID().toString().substring(0, 8);
        Jdbi admin = TestDatabases.store(Dialect.POSTGRESQL).jdbi();
        int[] terminated = {0};

        LoadResult result = runLoad(application, () -> terminated[0] = admin.withHandle(h -> h.createQuery(
                        "SELECT COUNT(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
                                + " WHERE datname = current_database() AND application_name = :application"
                                + " AND pid <> pg_backend_pid()")
                .bind("application", application).mapTo(Integer.class).one()));

        System.out.println("connection loss postgresql: terminated=" + terminated[0] + " failedInFlight="
                + result.failures.size() + " " + result.failureSummary() + " failedAfterwards="
                + result.afterwards.stream().filter(s -> !s.equals("ok")).count() + " acknowledged="
                + result.acknowledged.size());
        assertThat(terminated[0]).as("sessions terminated").isPositive();
        // the store does not retry a connection failure, so a terminated session that the pool
        // hands out again fails one call (the pool then evicts it): at most one failure each
        long failedAfterwards = result.afterwards.stream().filter(s -> !s.equals("ok")).count();
        assertThat(result.failures.size() + failedAfterwards)
                .as("calls failed: %s, afterwards %s", result.failureSummary(), result.afterwards)
                .isLessThanOrEqualTo(terminated[0]);
        assertThat(result.failures).allSatisfy(e -> assertThat(((ChatStoreException) e).sqlState())
                .as("SQLState of %s", e).matches("08...|57P01"));
        result.assertSound();
    }

    @Test
    @EnabledIfSystemProperty(named = "txchat.faults.restartPostgres", matches = "true")
    void restartingThePostgresServerMidLoadIsSurvivedWithoutRecreatingTheStore() throws Exception {
        TestDatabases.requireAvailable(Dialect.POSTGRESQL);
        String version = System.getProperty("txchat.faults.postgresVersion");
        if (version == null) {
            String[] installed = new File("/etc/postgresql").list();
            assertThat(installed).as("PostgreSQL versions in /etc/postgresql").hasSize(1);
            version = installed[0];
        }
        String cluster = version;
        LoadResult result = runLoad("txchat-restart", () -> {
            try {
                Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main",
                        "restart").inheritIO().start();
                assertThat(restart.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(restart.exitValue()).as("pg_ctlcluster exit code").isZero();
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException("could not restart PostgreSQL", e);
            }
        });

        result.assertSound();
    }

    /** What a load run produced. */
    record LoadResult(ChatService chat, Jdbi jdbi, List<ConversationId> conversations,
                      Queue<ParticipantMessage> acknowledged, Queue<Throwable> failures, List<String> afterwards) {

        String failureSummary() {
            return failures.stream().map(e -> e.getClass().getSimpleName() + "(" + (e instanceof ChatStoreException c
                    ? c.sqlState() : "?") + ")").collect(Collectors.groupingBy(s -> s, Collectors.counting()))
                    .toString();
        }

        void assertSound() {
            assertThat(failures).as("failures are reported as ChatStoreException").allSatisfy(e ->
                    assertThat(e).isInstanceOf(ChatStoreException.class));
            afterwards.stream().filter(s -> !s.equals("ok"))
                    .forEach(s -> assertThat(s).startsWith(ChatStoreException.class.getName()));
            assertThat(afterwards.subList(afterwards.size() - POOL_SIZE, afterwards.size()))
                    .as("calls once every pooled connection was used again: %s", afterwards)
                    .allMatch(s -> s.equals("ok"));
            assertThat(acknowledged.size()).as("acknowledged posts")
                    .isGreaterThanOrEqualTo(THREADS * POSTS_PER_THREAD - failures.size());
            Map<String, String> stored = jdbi.withHandle(h -> h.createQuery("SELECT id, body FROM " + PREFIX + "messages")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list())
                    .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            for (ParticipantMessage message : acknowledged) {
                assertThat(stored.get(message.id().toString())).as("acknowledged message %s", message.id())
                        .isEqualTo(message.body());
            }
            assertThat(StoreInvariants.violations(jdbi, PREFIX)).isEmpty();
        }
    }

    /** Runs the load; once half of it is acknowledged, {@code disruption} runs on its own thread. */
    private static LoadResult runLoad(String application, Runnable disruption) throws Exception {
        String url = TestDatabases.url(Dialect.POSTGRESQL);
        url += (url.contains("?") ? "&" : "?") + "ApplicationName=" + application;
        try (HikariDataSource pool = ChatDataSources.hikari(url, null, null, POOL_SIZE)) {
            Jdbi jdbi = Jdbi.create(pool);
            TestDatabases.dropTables(jdbi, PREFIX);
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix(PREFIX);
            store.migrate();
            ChatService chat = ChatService.builder().store(store).transactionDirectory(new FakeTransactionDirectory())
                    .build();
            List<ConversationId> conversations = new ArrayList<>();
            for (int i = 0; i < THREADS * 2; i++) {
                conversations.add(chat.startConversation(STAFF, new StartConversation(
                        ParticipantRef.businessUser("kill-user-" + i, "kill-org"), "load " + i, null)).id());
            }
            Queue<ParticipantMessage> acknowledged = new ConcurrentLinkedQueue<>();
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch halfway = new CountDownLatch(THREADS * POSTS_PER_THREAD / 2);
            ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
            try {
                Future<?> disrupted = executor.submit(() -> {
                    halfway.await();
                    disruption.run();
                    return null;
                });
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    workers.add(executor.submit(() -> {
                        for (int i = 0; i < POSTS_PER_THREAD; i++) {
                            ConversationId id = conversations.get((thread + i) % conversations.size());
                            try {
                                acknowledged.add(chat.postMessage(STAFF, id,
                                        NewMessage.of("load " + thread + "/" + i, "t" + thread + "-" + i)));
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                            halfway.countDown();
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(300, TimeUnit.SECONDS);
                }
                disrupted.get(300, TimeUnit.SECONDS);
            } finally {
                executor.shutdownNow();
            }
            List<String> afterwards = new ArrayList<>();
            // enough calls to draw every connection the pool may still hold, then POOL_SIZE more
            for (int i = 0; i < 3 * POOL_SIZE; i++) {
                try {
                    acknowledged.add(chat.postMessage(STAFF, conversations.get(i % conversations.size()),
                            NewMessage.of("after " + i)));
                    afterwards.add("ok");
                } catch (RuntimeException e) {
                    afterwards.add(e.toString());
                }
            }
            // checked over the shared test pool: the load's pool is closed when this returns
            return new LoadResult(chat, TestDatabases.store(Dialect.POSTGRESQL).jdbi(), conversations,
                    acknowledged, failures, afterwards);
        }
    }
}
