package dev.txchat.spring;

import dev.txchat.core.ChatService;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Times every call of the auto-configured {@link ChatService} as {@code txchat.calls} (see
 * {@link MeteredChatService}): registers a {@code MeteredChatService} around the
 * {@value TxchatAutoConfiguration#SERVICE_BEAN} bean as the primary {@code ChatService} bean,
 * so that injecting {@code ChatService} gets the timed one.
 *
 * <p>Active when Micrometer is on the classpath, a {@link MeterRegistry} bean exists (as with
 * Spring Boot Actuator), the starter created the service (a host's own {@code ChatService}
 * is left alone), and {@code txchat.metrics.enabled} is not {@code false}.
 *
 * <p>Thread-safety: Spring uses this class once, while the context starts; the beans it
 * creates are thread-safe.
 */
@AutoConfiguration(after = TxchatAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry", name = TxchatAutoConfiguration.SERVICE_BEAN)
@ConditionalOnBooleanProperty(name = "txchat.metrics.enabled", matchIfMissing = true)
public class TxchatMetricsAutoConfiguration {

    /** Name of the timed {@link ChatService} bean. */
    public static final String METERED_SERVICE_BEAN = "txchatMeteredService";

    // destroyMethod "": the wrapped txchatService bean is closed by the context itself
    @Bean(name = METERED_SERVICE_BEAN, destroyMethod = "")
    @Primary
    MeteredChatService txchatMeteredService(@Qualifier(TxchatAutoConfiguration.SERVICE_BEAN) ChatService service,
            MeterRegistry registry) {
        return new MeteredChatService(service, registry);
    }
}
