package dev.txchat.spring;

import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.jdbi.JdbiChatStore;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of txchat's storage, contributed as {@code txchat}: UP when a trivial read through
 * the store works, DOWN with the exception otherwise (database unreachable, tables missing
 * because {@code txchat.migrate=false} and nobody applied the migrations, …).
 *
 * <p>The read is a lookup of a random conversation id through the {@link ChatStore} bean (one
 * indexed query that finds nothing); when there is no store bean, only a host's
 * {@link ChatService}, it reads one entry of the change feed instead. Details: the table
 * prefix and dialect of a {@link JdbiChatStore}.
 *
 * <p>Thread-safe; each call to {@link #health()} runs the read anew.
 */
public final class TxchatHealthIndicator implements HealthIndicator {

    private final ChatStore store;
    private final ChatService service;

    /**
     * @param store   the store to read through, or null to read the feed of {@code service}
     * @param service the service, used when {@code store} is null
     */
    public TxchatHealthIndicator(ChatStore store, ChatService service) {
        if (store == null) {
            Objects.requireNonNull(service, "store or service");
        }
        this.store = store;
        this.service = service;
    }

    @Override
    public Health health() {
        try {
            Health.Builder up = Health.up();
            if (store != null) {
                store.inTransaction(tx -> tx.findConversation(ConversationId.random()));
                if (store instanceof JdbiChatStore jdbi) {
                    up.withDetail("tablePrefix", jdbi.tablePrefix()).withDetail("dialect", jdbi.dialect().name());
                }
            } else {
                service.feed().read(FeedPosition.START, 1);
            }
            return up.build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
