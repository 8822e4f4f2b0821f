package dev.txchat.spring.web.stream;

import dev.txchat.core.ChatService;
import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.spring.TxchatAutoConfiguration;
import dev.txchat.spring.web.ActorResolver;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Registers the event stream ({@link ChatStreamController}, one shared
 * {@link ChatFeedBroadcaster}) when {@code txchat.web.stream.enabled=true} in a servlet web
 * application with a {@link ChatService} bean; the host provides the {@link ActorResolver}.
 * Settings: {@code txchat.web.stream.path} (default {@code /chat/stream}),
 * {@code poll-interval} (100 ms), {@code heartbeat} (15 s), {@code buffer-size} (1000),
 * {@code timeout} (30 min).
 *
 * <p>Thread-safety: used once while the context starts.
 */
@AutoConfiguration(after = TxchatAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "txchat.web.stream", name = "enabled", havingValue = "true")
@ConditionalOnBean(ChatService.class)
public class TxchatStreamAutoConfiguration {

    private static final String PREFIX = "txchat.web.stream.";

    /**
     * The settings, from {@code txchat.web.stream.*}.
     *
     * @param environment the environment
     * @return the settings
     */
    @Bean
    @ConditionalOnMissingBean
    public StreamSettings txchatStreamSettings(Environment environment) {
        Binder binder = Binder.get(environment);
        StreamSettings d = StreamSettings.DEFAULTS;
        return new StreamSettings(
                binder.bind(PREFIX + "poll-interval", Duration.class).orElse(d.pollInterval()),
                binder.bind(PREFIX + "heartbeat", Duration.class).orElse(d.heartbeat()),
                binder.bind(PREFIX + "buffer-size", Integer.class).orElse(d.bufferSize()),
                binder.bind(PREFIX + "timeout", Duration.class).orElse(d.timeout()),
                binder.bind(PREFIX + "startup-timeout", Duration.class).orElse(d.startupTimeout()));
    }

    /**
     * The one poller of this application.
     *
     * @param chat     the chat service
     * @param settings the settings
     * @return the broadcaster, closed with the context (before the chat service)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ChatFeedBroadcaster txchatFeedBroadcaster(ChatService chat, StreamSettings settings) {
        return new ChatFeedBroadcaster(chat.feed(), settings);
    }

    /**
     * The stream endpoint.
     *
     * @param broadcaster the poller
     * @param actors      the host's resolver
     * @param settings    the settings
     * @param accessPolicy the host's access policy, if any (the chat service uses the same one);
     *                     otherwise {@link AccessPolicy#permissionBased()}
     * @return the controller
     */
    @Bean
    @ConditionalOnMissingBean
    public ChatStreamController txchatStreamController(ChatFeedBroadcaster broadcaster, ActorResolver actors,
            StreamSettings settings, ObjectProvider<AccessPolicy> accessPolicy) {
        return new ChatStreamController(broadcaster, actors, settings,
                accessPolicy.getIfAvailable(AccessPolicy::permissionBased));
    }
}
