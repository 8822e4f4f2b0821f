package dev.txchat.spring.web.rest;

import dev.txchat.core.ChatService;
import dev.txchat.spring.TxchatAutoConfiguration;
import dev.txchat.spring.web.ActorResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Registers {@link ChatRestController} when {@code txchat.web.rest.enabled=true} in a servlet
 * web application with a {@link ChatService} bean. The host must provide an
 * {@link ActorResolver} bean (the context fails to start without one, rather than serving chats
 * to nobody knows whom). The base path is {@code txchat.web.rest.base-path} (default {@code /api}).
 *
 * <p>Thread-safety: used once while the context starts; the controller is thread-safe.
 */
@AutoConfiguration(after = TxchatAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "txchat.web.rest", name = "enabled", havingValue = "true")
@ConditionalOnBean(ChatService.class)
public class TxchatRestAutoConfiguration {

    /**
     * The REST controller.
     *
     * @param chat   the chat service
     * @param actors the host's resolver
     * @return the controller
     */
    @Bean
    @ConditionalOnMissingBean
    public ChatRestController txchatRestController(ChatService chat, ActorResolver actors) {
        return new ChatRestController(chat, actors);
    }
}
