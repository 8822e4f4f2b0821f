package dev.txchat.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.FeedSubscription;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ContentPolicy;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.ChatStoreException;
import dev.txchat.jdbi.JdbiChatStore;
import dev.txchat.testkit.FakeTransactionDirectory;
import dev.txchat.testkit.InMemoryChatStore;
import dev.txchat.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every condition and back-off of {@link TxchatAutoConfiguration}, on embedded H2 (a fresh
 * database per context): each host bean that is picked up, and each property, is proved by
 * what the service then does, not only by the bean being there.
 */
class TxchatAutoConfigurationTest {

    static final Actor STAFF = Actor.service("alice", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);
    static final Actor SELLER = Actor.business("bob", "acme-shop");

    /** Spring Boot's DataSource auto-configuration (embedded H2, unique per context) and the starter's. */
    static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        TxchatAutoConfiguration.class, TxchatMetricsAutoConfiguration.class,
                        TxchatHealthAutoConfiguration.class));
    }

    /** Tables of the context's H2 database whose name starts with {@code prefix}, lower case. */
    static List<String> tables(AssertableApplicationContext context, String prefix) {
        return new JdbcTemplate(context.getBean(DataSource.class)).queryForList(
                        "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'",
                        String.class).stream()
                .filter(name -> name.startsWith(prefix.toLowerCase(Locale.ROOT))).sorted().toList();
    }

    static long rows(AssertableApplicationContext context, String table) {
        Long n = new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("SELECT COUNT(*) FROM " + table,
                Long.class);
        return n == null ? 0 : n;
    }

    /** Posts into the seller's account thread; returns the stored message. */
    static ParticipantMessage postOnce(ChatService chat, String body) {
        Conversation thread = chat.accountThread(SELLER, "acme-shop");
        return chat.postMessage(SELLER, thread.id(), NewMessage.of(body));
    }

    // ---- conditions and back-off --------------------------------------------------------------

    @Test
    void withoutADataSourceThereAreNoTxchatBeans() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TxchatAutoConfiguration.class,
                        TxchatMetricsAutoConfiguration.class, TxchatHealthAutoConfiguration.class))
                .withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(ChatStore.class);
                    assertThat(context).doesNotHaveBean(ChatService.class);
                    assertThat(context).doesNotHaveBean(TxchatHealthIndicator.class);
                });
    }

    @Test
    void withADataSourceTheStoreIsMigratedAndTheServiceWorks() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(JdbiChatStore.class);
            assertThat(context).hasSingleBean(ChatService.class);
            assertThat(context.getBean(JdbiChatStore.class).tablePrefix()).isEqualTo("chat_");
            assertThat(tables(context, "chat_")).contains("chat_conversations", "chat_messages", "chat_feed",
                    "chat_schema_version");

            ParticipantMessage posted = postOnce(context.getBean(ChatService.class), "hello from boot");

            assertThat(rows(context, "chat_messages")).isEqualTo(1);
            assertThat(context.getBean(ChatService.class).listMessages(STAFF, posted.message().conversationId(),
                    PageRequest.last(10)).nodes()).extracting(ParticipantMessage::body)
                    .containsExactly("hello from boot");
        });
    }

    @Test
    void theServiceIsClosedWithTheContext() {
        ChatService[] service = new ChatService[1];
        runner().run(context -> service[0] = context.getBean(ChatService.class));

        assertThatThrownBy(() -> service[0].accountThread(SELLER, "acme-shop"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aHostChatServiceWins() {
        InMemoryChatStore hostStore = new InMemoryChatStore();
        ChatService hostService = ChatService.builder().store(hostStore).build();
        runner().withBean("hostChatService", ChatService.class, () -> hostService)
                .run(context -> {
                    assertThat(context).getBeans(ChatService.class).containsOnlyKeys("hostChatService");
                    assertThat(context.getBean(ChatService.class)).isSameAs(hostService);

                    postOnce(context.getBean(ChatService.class), "to the host's service");

                    // the message went to the host's in-memory store, none to the auto-configured tables
                    assertThat(rows(context, "chat_messages")).isZero();
                    assertThat(hostService.feed().read(FeedPosition.START, 10).entries()).isNotEmpty();
                });
    }

    @Test
    void aHostChatStoreWins() {
        InMemoryChatStore hostStore = new InMemoryChatStore();
        runner().withBean(InMemoryChatStore.class, () -> hostStore)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(JdbiChatStore.class);
                    assertThat(context).getBean(ChatStore.class).isSameAs(hostStore);
                    // no store of ours, so nothing was migrated
                    assertThat(tables(context, "chat_")).isEmpty();

                    postOnce(context.getBean(ChatService.class), "into memory");

                    ChatService other = ChatService.builder().store(hostStore).build();
                    assertThat(other.listMessages(STAFF, other.accountThread(STAFF, "acme-shop").id(),
                            PageRequest.last(10)).nodes()).extracting(ParticipantMessage::body)
                            .containsExactly("into memory");
                    other.close();
                });
    }

    @Test
    void aHostJdbiChatStoreWinsAndIsNotMigratedByTheStarter() {
        runner().withUserConfiguration(HostJdbiStore.class)
                .withPropertyValues("txchat.table-prefix=ignored_")
                .run(context -> {
                    assertThat(context).getBeans(ChatStore.class).containsOnlyKeys("hostStore");
                    assertThat(context.getBean(JdbiChatStore.class).tablePrefix()).isEqualTo("host_");
                    assertThat(tables(context, "ignored_")).isEmpty();

                    postOnce(context.getBean(ChatService.class), "into host tables");

                    assertThat(rows(context, "host_messages")).isEqualTo(1);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class HostJdbiStore {
        @Bean
        JdbiChatStore hostStore(DataSource dataSource) {
            JdbiChatStore store = JdbiChatStore.create(dataSource).withTablePrefix("host_");
            store.migrate();
            return store;
        }
    }

    // ---- properties ---------------------------------------------------------------------------

    @Test
    void migrateFalseCreatesNoTablesAndCallsThenFail() {
        runner().withPropertyValues("txchat.migrate=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tables(context, "chat_")).isEmpty();
            assertThat(context).hasSingleBean(ChatService.class);

            assertThatThrownBy(() -> postOnce(context.getBean(ChatService.class), "no tables"))
                    .isInstanceOf(ChatStoreException.class);
        });
    }

    @Test
    void theTablePrefixIsHonoured() {
        runner().withPropertyValues("txchat.table-prefix=acme_").run(context -> {
            assertThat(tables(context, "chat_")).isEmpty();
            assertThat(tables(context, "acme_")).contains("acme_conversations", "acme_messages", "acme_schema_version");

            postOnce(context.getBean(ChatService.class), "prefixed");

            assertThat(rows(context, "acme_messages")).isEqualTo(1);
        });
    }

    @Test
    void aTablePrefixOutsideThePatternFailsTheStartup() {
        runner().withPropertyValues("txchat.table-prefix=Chat-").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("[a-z][a-z0-9_]{0,19}");
        });
    }

    @Test
    void thePropertiesBindWithTheirDefaults() {
        runner().run(context -> {
            TxchatProperties properties = context.getBean(TxchatProperties.class);
            assertThat(properties.tablePrefix()).isEqualTo("chat_");
            assertThat(properties.migrate()).isTrue();
            assertThat(properties.listenerTimeout()).isEqualTo(Duration.ofSeconds(1));
            assertThat(properties.feed().retention()).isEqualTo(Duration.ofDays(7));
            assertThat(properties.feed().pollInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(properties.metrics().enabled()).isTrue();
        });
        runner().withPropertyValues("txchat.listener-timeout=50ms", "txchat.feed.retention=2h",
                "txchat.feed.poll-interval=1s", "txchat.metrics.enabled=false").run(context -> {
            TxchatProperties properties = context.getBean(TxchatProperties.class);
            assertThat(properties.listenerTimeout()).isEqualTo(Duration.ofMillis(50));
            assertThat(properties.feed().retention()).isEqualTo(Duration.ofHours(2));
            assertThat(properties.feed().pollInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(properties.metrics().enabled()).isFalse();
        });
    }

    @Test
    void theListenerTimeoutBoundsHowLongACallWaitsForABlockedListener() {
        CountDownLatch release = new CountDownLatch(1);
        ChatEventListener blocked = event -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        runner().withBean(ChatEventListener.class, () -> blocked)
                .withPropertyValues("txchat.listener-timeout=100ms")
                .run(context -> {
                    ChatService chat = context.getBean(ChatService.class);
                    Conversation thread = chat.accountThread(SELLER, "acme-shop"); // first event blocks the listener
                    long start = System.nanoTime();
                    chat.postMessage(SELLER, thread.id(), NewMessage.of("not held for long"));
                    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    release.countDown();

                    // the default of 1 s would hold the call for a second
                    assertThat(tookMillis).isLessThan(800);
                });
    }

    @Test
    void theFeedRetentionPrunesWithTheHostClock() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-05-01T00:00:00Z"));
        runner().withBean(Clock.class, () -> clock)
                .withPropertyValues("txchat.feed.retention=1h")
                .run(context -> {
                    ChatService chat = context.getBean(ChatService.class);
                    postOnce(chat, "soon pruned");
                    assertThat(chat.feed().read(FeedPosition.START, 10).entries()).hasSize(2);

                    clock.advance(Duration.ofMinutes(59));
                    assertThat(chat.feed().read(FeedPosition.START, 10).entries()).hasSize(2);
                    clock.advance(Duration.ofMinutes(2));

                    // older than the 1 h retention (the default keeps them 7 days)
                    assertThat(chat.feed().read(FeedPosition.START, 10).entries()).isEmpty();
                });
    }

    @Test
    void theFeedPollIntervalPacesSubscriptionsForOtherNodesWrites() {
        runFeedPolling("txchat.feed.poll-interval=100ms", true);
        runFeedPolling("txchat.feed.poll-interval=1h", false);
    }

    /** A subscription in the context hears a message posted by another "node" (service) only when it polls. */
    private void runFeedPolling(String pollInterval, boolean expectDelivery) {
        runner().withPropertyValues(pollInterval).run(context -> {
            ChatService chat = context.getBean(ChatService.class);
            CountDownLatch heard = new CountDownLatch(1);
            FeedSubscription subscription = chat.feed().subscribe("poll-test", entry -> heard.countDown());
            try (ChatService otherNode = ChatService.builder().store(JdbiChatStore.create(
                    context.getBean(DataSource.class))).build()) {
                awaitIdle("txchat-feed-poll-test-"); // its first poll is behind it: it waits its interval
                postOnce(otherNode, "from another node");
                assertThat(heard.await(3, TimeUnit.SECONDS)).as("heard with " + pollInterval)
                        .isEqualTo(expectDelivery);
            } finally {
                subscription.close();
            }
        });
    }

    /** Waits until the subscription thread named {@code prefix…} is parked in its poll wait. */
    private static void awaitIdle(String prefix) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int waitingSeen = 0;
        while (waitingSeen < 20) {
            boolean waiting = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith(prefix) && t.getState() == Thread.State.TIMED_WAITING);
            waitingSeen = waiting ? waitingSeen + 1 : 0;
            assertThat(System.nanoTime()).as("the subscription went idle").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    // ---- host beans picked up -----------------------------------------------------------------

    @Test
    void theHostTransactionDirectoryIsUsed() {
        FakeTransactionDirectory directory = new FakeTransactionDirectory()
                .register("tx-187", Map.of("amount", "10.00 EUR"), new WalletOwner("bob", "acme-shop"));
        runner().withBean(TransactionDirectory.class, () -> directory).run(context -> {
            TransactionChat opened = context.getBean(ChatService.class).openTransactionChat(STAFF,
                    new OpenTransactionChat("tx-187", ParticipantRef.businessUser("bob", "acme-shop"),
                            NewMessage.of("Can you share the receipt?")));

            assertThat(opened.created()).isTrue();
            assertThat(directory.lookups()).isEqualTo(1);
        });
        // without one, the service knows no transaction
        runner().run(context -> assertThatThrownBy(() -> context.getBean(ChatService.class).openTransactionChat(STAFF,
                new OpenTransactionChat("tx-187", ParticipantRef.businessUser("bob", "acme-shop"), NewMessage.of("?"))))
                .isInstanceOf(NotFoundException.class));
    }

    @Test
    void theHostAccessPolicyIsUsed() {
        AccessPolicy staffOnly = (actor, action) -> actor.isService();
        runner().withBean(AccessPolicy.class, () -> staffOnly).run(context -> {
            // the default policy lets a business user into its own account thread
            assertThatThrownBy(() -> context.getBean(ChatService.class).accountThread(SELLER, "acme-shop"))
                    .isInstanceOf(AccessDeniedException.class);
        });
    }

    @Test
    void theHostContentPolicyIsUsed() {
        ContentPolicy shouting = body -> ContentPolicy.defaults().apply(body).toUpperCase(Locale.ROOT);
        runner().withBean(ContentPolicy.class, () -> shouting).run(context -> {
            ParticipantMessage posted = postOnce(context.getBean(ChatService.class), "quiet please");

            assertThat(posted.body()).isEqualTo("QUIET PLEASE");
        });
    }

    @Test
    void theHostClockIsUsed() {
        Instant fixed = Instant.parse("2031-02-03T04:05:06.789012Z");
        runner().withBean(Clock.class, () -> Clock.fixed(fixed, java.time.ZoneOffset.UTC)).run(context -> {
            ParticipantMessage posted = postOnce(context.getBean(ChatService.class), "when?");

            assertThat(posted.createdAt()).isEqualTo(fixed);
        });
    }

    @Test
    void everyHostListenerHearsTheEventsInOrder() {
        Heard heard = new Heard();
        runner().withUserConfiguration(TwoListeners.class)
                .withBean(Heard.class, () -> heard)
                .run(context -> {
                    postOnce(context.getBean(ChatService.class), "listen");
                    context.getBean(ChatService.class).close(); // delivers every pending event

                    assertThat(heard.events).containsExactly("first:ConversationStarted", "second:ConversationStarted",
                            "first:MessagePosted", "second:MessagePosted");
                });
    }

    static final class Heard {
        final List<String> events = new CopyOnWriteArrayList<>();
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoListeners {
        @Bean
        @Order(2)
        ChatEventListener second(Heard heard) {
            return event -> heard.events.add("second:" + name(event));
        }

        @Bean
        @Order(1)
        ChatEventListener first(Heard heard) {
            return event -> heard.events.add("first:" + name(event));
        }

        private static String name(ChatEvent event) {
            return event.getClass().getSimpleName();
        }
    }
}
