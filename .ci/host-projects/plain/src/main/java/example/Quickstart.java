package example;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.JdbiChatStore;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** txchat in a plain Java host: the README's Quickstart, end to end, on PostgreSQL. */
public final class Quickstart {

    public static void main(String[] args) {
        // 1. your connection pool (here HikariCP on PostgreSQL)
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test");
        pool.setUsername("postgres");

        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            // 2. the store on your DataSource; migrate() creates or upgrades the chat_* tables
            JdbiChatStore store = JdbiChatStore.create(dataSource);
            store.migrate();

            // 3. your ledger: which business users' wallets take part in a transaction
            TransactionDirectory ledger = transactionId -> transactionId.equals("tx-187")
                    ? Optional.of(new TransactionInfo("tx-187",
                            Set.of(new WalletOwner("bob", "acme-shop")),
                            Map.of("amount", "120.00 EUR", "status", "SETTLED")))
                    : Optional.empty();

            // 4. the service: build once, share, close at shutdown
            try (ChatService chat = ChatService.builder()
                    .store(store)
                    .transactionDirectory(ledger)
                    .build()) {

                Actor staff = Actor.service("alice", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                        ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
                Actor seller = Actor.business("bob", "acme-shop");

                // staff open the chat about tx-187 with bob; opening it again appends to it
                TransactionChat opened = chat.openTransactionChat(staff, new OpenTransactionChat("tx-187",
                        ParticipantRef.businessUser("bob", "acme-shop"), NewMessage.of("Can you share the receipt?")));
                ParticipantMessage reply = chat.postMessage(seller, opened.conversation().id(),
                        NewMessage.of("Attached."));

                // read it back: the newest 50 messages, oldest first
                Page<ParticipantMessage> page = chat.listMessages(staff, opened.conversation().id(),
                        PageRequest.last(50));
                for (ParticipantMessage m : page.nodes()) {
                    System.out.println("#" + m.sequence() + " " + m.sentByType() + ": " + m.body());
                }
                if (!page.nodes().get(page.nodes().size() - 1).id().equals(reply.id())) {
                    throw new IllegalStateException("the reply was not read back");
                }
            }
        }
    }
}
