package dev.txchat.spring;

import static dev.txchat.spring.TxchatAutoConfigurationTest.SELLER;
import static dev.txchat.spring.TxchatAutoConfigurationTest.STAFF;
import static dev.txchat.spring.TxchatAutoConfigurationTest.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import dev.txchat.testkit.InMemoryChatStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;

/**
 * {@code txchat.calls} timers: the decorating {@link MeteredChatService} registered as the
 * primary {@code ChatService} by {@link TxchatMetricsAutoConfiguration}, its conditions, and
 * every outcome tag after real calls.
 */
class TxchatMetricsTest {

    /** The starter with Spring Boot's own Micrometer auto-configuration, as Actuator brings it. */
    private static org.springframework.boot.test.context.runner.ApplicationContextRunner withBootMetrics() {
        return runner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));
    }

    private static Timer timer(MeterRegistry registry, String call, String outcome) {
        return registry.find("txchat.calls").tag("call", call).tag("outcome", outcome).timer();
    }

    @Test
    void withBootsMeterRegistryTheInjectedServiceIsTheTimedOne() {
        withBootMetrics().run(context -> {
            assertThat(context).hasSingleBean(MeterRegistry.class);
            assertThat(context).getBeans(ChatService.class)
                    .containsOnlyKeys(TxchatAutoConfiguration.SERVICE_BEAN,
                            TxchatMetricsAutoConfiguration.METERED_SERVICE_BEAN);
            ChatService chat = context.getBean(ChatService.class);
            assertThat(chat).isInstanceOf(MeteredChatService.class);
            assertThat(((MeteredChatService) chat).delegate())
                    .isSameAs(context.getBean(TxchatAutoConfiguration.SERVICE_BEAN));

            Conversation thread = chat.accountThread(SELLER, "acme-shop");
            chat.postMessage(SELLER, thread.id(), NewMessage.of("timed"));

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            Timer posted = timer(registry, "postMessage", "success");
            assertThat(posted).isNotNull();
            assertThat(posted.count()).isEqualTo(1);
            assertThat(posted.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
            assertThat(timer(registry, "accountThread", "success").count()).isEqualTo(1);
        });
    }

    @Test
    void everyOutcomeIsTagged() {
        FakeTransactionDirectory directory = new FakeTransactionDirectory()
                .register("tx-1", new WalletOwner("bob", "acme-shop"));
        runner().withBean(SimpleMeterRegistry.class)
                .withBean(dev.txchat.core.spi.TransactionDirectory.class, () -> directory)
                .run(context -> {
                    ChatService chat = context.getBean(ChatService.class);
                    Conversation thread = chat.accountThread(SELLER, "acme-shop");
                    chat.postMessage(SELLER, thread.id(), NewMessage.of("fine"));
                    assertThatThrownBy(() -> chat.postMessage(SELLER, thread.id(), NewMessage.of("   ")))
                            .isInstanceOf(ValidationException.class);
                    assertThatThrownBy(() -> chat.postMessage(SELLER, ConversationId.random(), NewMessage.of("where?")))
                            .isInstanceOf(NotFoundException.class);
                    assertThatThrownBy(() -> chat.accountThread(SELLER, "globex"))
                            .isInstanceOf(AccessDeniedException.class);
                    Conversation direct = chat.startConversation(STAFF,
                            StartConversation.with(ParticipantRef.businessUser("bob", "acme-shop")));
                    chat.deleteConversation(STAFF, direct.id());
                    assertThatThrownBy(() -> chat.postMessage(STAFF, direct.id(), NewMessage.of("too late")))
                            .isInstanceOf(ConflictException.class);
                    assertThatThrownBy(() -> chat.openTransactionChat(STAFF, new OpenTransactionChat("tx-unknown",
                            ParticipantRef.businessUser("bob", "acme-shop"), NewMessage.of("?"))))
                            .isInstanceOf(NotFoundException.class);
                    // a failure that is not a ChatException subtype of the four: the service is closed
                    context.getBean(TxchatAutoConfiguration.SERVICE_BEAN, ChatService.class).close();
                    assertThatThrownBy(() -> chat.postMessage(SELLER, thread.id(), NewMessage.of("closed")))
                            .isInstanceOf(IllegalStateException.class);

                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    Map<String, Long> counts = registry.find("txchat.calls").timers().stream()
                            .collect(Collectors.toMap(t -> t.getId().getTag("call") + "/" + t.getId().getTag("outcome"),
                                    Timer::count));
                    assertThat(counts).containsOnly(
                            Map.entry("accountThread/success", 1L),
                            Map.entry("accountThread/access_denied", 1L),
                            Map.entry("postMessage/success", 1L),
                            Map.entry("postMessage/validation", 1L),
                            Map.entry("postMessage/not_found", 1L),
                            Map.entry("postMessage/conflict", 1L),
                            Map.entry("postMessage/error", 1L),
                            Map.entry("startConversation/success", 1L),
                            Map.entry("deleteConversation/success", 1L),
                            Map.entry("openTransactionChat/not_found", 1L));
                    assertThat(registry.find("txchat.calls").timers()).allSatisfy(t ->
                            assertThat(t.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey)
                                    .containsExactlyInAnyOrder("call", "outcome"));
                });
    }

    @Test
    void metricsEnabledFalseLeavesTheServiceUntimed() {
        runner().withBean(SimpleMeterRegistry.class).withPropertyValues("txchat.metrics.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(MeteredChatService.class);
                    ChatService chat = context.getBean(ChatService.class);
                    chat.accountThread(SELLER, "acme-shop");

                    assertThat(context.getBean(MeterRegistry.class).find("txchat.calls").timers()).isEmpty();
                });
    }

    @Test
    void withoutAMeterRegistryBeanOrWithoutMicrometerThereIsNoTimedService() {
        runner().run(context -> {
            assertThat(context).doesNotHaveBean(MeteredChatService.class);
            assertThat(context).hasSingleBean(ChatService.class);
        });
        runner().withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MeteredChatService.class);
            assertThat(context).hasSingleBean(ChatService.class);
        });
    }

    @Test
    void aHostChatServiceIsNotWrapped() {
        ChatService host = ChatService.builder().store(new InMemoryChatStore()).build();
        runner().withBean(SimpleMeterRegistry.class).withBean("hostChatService", ChatService.class, () -> host)
                .run(context -> {
                    assertThat(context).doesNotHaveBean(MeteredChatService.class);
                    assertThat(context.getBean(ChatService.class)).isSameAs(host);
                });
    }

    @Test
    void theTimedServiceClosesItsDelegateOnceWithTheContext() {
        ChatService[] delegate = new ChatService[1];
        runner().withBean(SimpleMeterRegistry.class).run(context ->
                delegate[0] = context.getBean(TxchatAutoConfiguration.SERVICE_BEAN, ChatService.class));

        assertThatThrownBy(() -> delegate[0].accountThread(SELLER, "acme-shop"))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---- the decorator itself -----------------------------------------------------------------

    @Test
    void everyChatServiceMethodIsDecorated() {
        Set<String> abstractMethods = Arrays.stream(ChatService.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isDefault())
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        for (Method m : ChatService.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
                continue;
            }
            assertThat(Arrays.stream(MeteredChatService.class.getDeclaredMethods())
                    .anyMatch(d -> d.getName().equals(m.getName())
                            && Arrays.equals(d.getParameterTypes(), m.getParameterTypes())))
                    .as("MeteredChatService overrides %s", m).isTrue();
        }

        // and each call is timed under its own name
        FakeTransactionDirectory directory = new FakeTransactionDirectory()
                .register("tx-9", new WalletOwner("bob", "acme-shop"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MeteredChatService chat = new MeteredChatService(
                ChatService.builder().store(new InMemoryChatStore()).transactionDirectory(directory)
                        .compliance(dev.txchat.core.CompliancePolicy.regulated(java.time.Duration.ofDays(1))).build(),
                registry);
        dev.txchat.core.Actor officer = dev.txchat.core.Actor.service("officer",
                dev.txchat.core.spi.ChatPermissions.CONVERSATION_AUDITOR,
                dev.txchat.core.spi.ChatPermissions.CONVERSATION_RETENTION_MANAGER);
        Conversation thread = chat.accountThread(SELLER, "acme-shop");
        chat.openTransactionChat(STAFF, new OpenTransactionChat("tx-9", ParticipantRef.businessUser("bob", "acme-shop"),
                NewMessage.of("receipt?")));
        Conversation direct = chat.startConversation(STAFF, StartConversation.with(ParticipantRef.businessUser("bob",
                "acme-shop")));
        chat.getConversation(STAFF, direct.id());
        chat.listConversations(STAFF, ConversationFilter.all(), PageRequest.first(10));
        Participant added = chat.addParticipant(STAFF, direct.id(), ParticipantRef.businessUser("carol", "acme-shop"));
        chat.removeParticipant(STAFF, direct.id(), added.id());
        chat.postMessage(SELLER, thread.id(), NewMessage.of("hi"));
        chat.listMessages(SELLER, thread.id(), PageRequest.last(10));
        chat.markRead(STAFF, thread.id(), ParticipantType.BUSINESS);
        chat.ticket(STAFF, "tx-9");
        var typo = chat.postMessage(SELLER, thread.id(), NewMessage.of("typo"));
        chat.editMessage(SELLER, thread.id(), typo.id(), "fixed");
        chat.redactMessage(SELLER, thread.id(), typo.id(), "not needed");
        chat.messageHistory(officer, thread.id(), typo.id());
        chat.verifyAudit(officer, thread.id());
        chat.placeLegalHold(officer, thread.id(), "matter 1");
        chat.releaseLegalHold(officer, thread.id(), "matter 1 closed");
        chat.purgeExpired(officer);
        chat.exportConversation(officer, thread.id(), java.io.OutputStream.nullOutputStream());
        chat.restrictProcessing(officer, "someone");
        chat.deleteConversation(STAFF, direct.id());
        chat.feed().read(FeedPosition.START, 10);
        chat.feed().subscribe("metered", entry -> { }).close();
        chat.close();

        Set<String> calls = registry.find("txchat.calls").timers().stream()
                .map(t -> t.getId().getTag("call")).collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>(abstractMethods);
        expected.addAll(Set.of("feed.read", "feed.subscribe"));
        assertThat(calls).isEqualTo(expected);
        assertThat(registry.find("txchat.calls").timers()).allSatisfy(t ->
                assertThat(t.getId().getTag("outcome")).isEqualTo("success"));
    }
}
