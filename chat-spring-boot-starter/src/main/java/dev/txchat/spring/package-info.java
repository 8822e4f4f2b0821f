/**
 * Spring Boot auto-configuration for txchat: a {@link dev.txchat.jdbi.JdbiChatStore} on the
 * host's {@code DataSource}, a {@link dev.txchat.core.ChatService} bean built from the host's
 * beans and {@code txchat.*} properties ({@link dev.txchat.spring.TxchatProperties}),
 * Micrometer timers ({@link dev.txchat.spring.MeteredChatService}) and a health indicator
 * ({@link dev.txchat.spring.TxchatHealthIndicator}). Every bean backs off when the host
 * defines its own.
 */
package dev.txchat.spring;
