package dev.txchat.spring.web.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.spring.TxchatAutoConfiguration;
import dev.txchat.spring.web.ActorResolver;
import dev.txchat.testkit.InMemoryChatStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The stream is off unless switched on, and reads its settings. */
class StreamConditionsTest {

    static WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TxchatAutoConfiguration.class,
                        TxchatStreamAutoConfiguration.class))
                .withBean(InMemoryChatStore.class, InMemoryChatStore::new)
                .withBean(ActorResolver.class, () -> request -> null);
    }

    @Test
    void offByDefault() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ChatStreamController.class);
            assertThat(context).doesNotHaveBean(ChatFeedBroadcaster.class);
        });
    }

    @Test
    void onWithItsSettings() {
        runner().withPropertyValues("txchat.web.stream.enabled=true", "txchat.web.stream.poll-interval=50ms",
                "txchat.web.stream.heartbeat=5s", "txchat.web.stream.buffer-size=10").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(ChatStreamController.class);
                    assertThat(context).hasSingleBean(ChatFeedBroadcaster.class);
                    StreamSettings settings = context.getBean(StreamSettings.class);
                    assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(50));
                    assertThat(settings.heartbeat()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(settings.bufferSize()).isEqualTo(10);
                    assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(30));
                });
    }
}
