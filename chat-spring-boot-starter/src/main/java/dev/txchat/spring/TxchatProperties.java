package dev.txchat.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code txchat.*} properties of the starter. Immutable and thread-safe.
 *
 * <pre>{@code
 * txchat.table-prefix=chat_
 * txchat.migrate=true
 * txchat.listener-timeout=1s
 * txchat.feed.retention=7d
 * txchat.feed.poll-interval=250ms
 * txchat.metrics.enabled=true
 * }</pre>
 *
 * @param tablePrefix     Prefix of txchat's table names (prefix + "conversations" and so on): a
 *                        lowercase letter, then up to 19 lowercase letters, digits or underscores.
 * @param migrate         Whether the auto-configured store creates or upgrades its tables at startup
 *                        (JdbiChatStore.migrate()). Set it to false when the host applies txchat's
 *                        migrations with Flyway or Liquibase.
 * @param listenerTimeout How long a chat call waits, at most, for the ChatEventListener beans to
 *                        handle its events.
 * @param feed            The durable change feed.
 * @param metrics         Micrometer metrics of chat calls.
 */
@ConfigurationProperties("txchat")
public record TxchatProperties(
        @DefaultValue("chat_") String tablePrefix,
        @DefaultValue("true") boolean migrate,
        @DefaultValue("1s") Duration listenerTimeout,
        @DefaultValue Feed feed,
        @DefaultValue Metrics metrics) {

    /**
     * The {@code txchat.feed.*} properties.
     *
     * @param retention    How long change-feed entries are kept once every subscription has passed them.
     * @param pollInterval How often an idle feed subscription looks for new entries when the database
     *                     cannot wake it (every database but PostgreSQL).
     */
    public record Feed(
            @DefaultValue("7d") Duration retention,
            @DefaultValue("250ms") Duration pollInterval) {
    }

    /**
     * The {@code txchat.metrics.*} properties.
     *
     * @param enabled Whether chat calls are timed as "txchat.calls" when a MeterRegistry bean exists.
     */
    public record Metrics(@DefaultValue("true") boolean enabled) {
    }
}
