package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.ConversationId;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryChatStoreTest extends ChatStoreContract {

    @Override
    protected ChatStore createStore() {
        return new InMemoryChatStore();
    }

    @Test
    void aTransactionRefusesUseAfterItsUnitOfWorkEnded() {
        ChatStoreTransaction escaped = store().inTransaction(tx -> tx);

        assertThatThrownBy(() -> escaped.findConversation(ConversationId.random()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> escaped.findOrCreateTicket(TicketId.random(), "tx-escaped", Map.of(), Instant.EPOCH))
                .isInstanceOf(IllegalStateException.class);
        Optional<TransactionTicket> ticket = store().inTransaction(tx -> tx.findTicket("tx-escaped"));
        assertThat(ticket).isEmpty();
    }

    @Test
    void aTransactionRefusesUseAfterItsUnitOfWorkFailed() {
        ChatStoreTransaction[] escaped = new ChatStoreTransaction[1];

        assertThatThrownBy(() -> store().inTransaction(tx -> {
            escaped[0] = tx;
            throw new IllegalArgumentException("fails");
        })).isInstanceOf(IllegalArgumentException.class);

        assertThatThrownBy(() -> escaped[0].findTicket("tx")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTransactionRefusesUseFromAnotherThread() throws Exception {
        Throwable fromOtherThread = store().inTransaction(tx -> CompletableFuture
                .supplyAsync(() -> {
                    try {
                        tx.findTicket("tx");
                        return null;
                    } catch (Throwable e) {
                        return e;
                    }
                })
                .orTimeout(30, TimeUnit.SECONDS)
                .join());

        assertThat(fromOtherThread).isInstanceOf(IllegalStateException.class);
    }
}
