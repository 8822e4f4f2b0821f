package dev.txchat.spring;

import dev.txchat.core.ChatService;
import dev.txchat.core.spi.ChatStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Contributes {@link TxchatHealthIndicator} as health component {@code txchat}, when Spring
 * Boot's health module ({@code spring-boot-health}, part of Actuator) is on the classpath, a
 * {@link ChatService} bean exists, and {@code management.health.txchat.enabled} is not
 * {@code false}. A host bean named {@code txchatHealthIndicator} replaces it.
 *
 * <p>Thread-safety: Spring uses this class once, while the context starts; the beans it
 * creates are thread-safe.
 */
@AutoConfiguration(after = {TxchatAutoConfiguration.class, TxchatMetricsAutoConfiguration.class})
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(ChatService.class)
@ConditionalOnEnabledHealthIndicator("txchat")
public class TxchatHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "txchatHealthIndicator")
    TxchatHealthIndicator txchatHealthIndicator(ObjectProvider<ChatStore> store, ObjectProvider<ChatService> service) {
        return new TxchatHealthIndicator(store.getIfUnique(), service.getIfUnique());
    }
}
