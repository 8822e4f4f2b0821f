package dev.txchat.examples.web;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.spring.web.ActorResolver;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The txchat web example: Spring Boot on an embedded in-memory H2 database, with the starter
 * and chat-spring-web (REST under {@code /api}, the live stream at {@code /chat/stream}, GraphQL
 * off) and a static page at {@code /} — an operator console and a seller view.
 *
 * <p>Run it with
 * {@code mvn -B -q -pl chat-examples -am -DskipTests package exec:java -Dexec.mainClass=dev.txchat.examples.web.ChatWebApp}
 * and open {@code http://localhost:8080/?as=operator} and {@code http://localhost:8080/?as=seller-acme}.
 * Settings are in {@code application.properties} ({@code server.port}, {@code txchat.web.*}).
 *
 * <p>At start it seeds the account threads of two sellers ({@code acme}, {@code globex}) and a
 * transaction chat about {@value #TRANSACTION} with {@code seller-acme}.
 *
 * <p><strong>Demo only:</strong> who the caller is comes from {@link DemoActorResolver}, which
 * trusts a query parameter or header — anybody can be anybody. A real host maps its
 * authenticated principal instead (see {@link ActorResolver}).
 */
@SpringBootApplication
public class ChatWebApp {

    /** The one payment the demo ledger knows: between a buyer and the seller acme. */
    public static final String TRANSACTION = "tx-2026-000187";

    public static void main(String[] args) {
        SpringApplication.run(ChatWebApp.class, args);
    }

    /** Demo only: the acting user from {@code ?as=} or the {@code X-Chat-As} header. */
    @Bean
    ActorResolver demoActorResolver() {
        return new DemoActorResolver();
    }

    /** The host's ledger, a lambda: one card payment between carol (buyer) and seller-acme. */
    @Bean
    TransactionDirectory transactionDirectory() {
        return transactionId -> TRANSACTION.equals(transactionId)
                ? Optional.of(new TransactionInfo(transactionId,
                        Set.of(new WalletOwner("seller-acme", "acme"), new WalletOwner("carol", null)),
                        Map.of("amount", "149.90 EUR", "status", "DISPUTED", "type", "CARD_PAYMENT")))
                : Optional.empty();
    }

    /** Seeds two sellers' account threads and one transaction chat. */
    @Bean
    ApplicationRunner seed(ChatService chat) {
        return args -> {
            Actor operator = DemoActorResolver.operator();
            Conversation acme = chat.accountThread(operator, "acme");
            chat.postMessage(Actor.business("seller-acme", "acme"), acme.id(),
                    NewMessage.of("Hi, when will my remittance be paid?"));
            Conversation globex = chat.accountThread(operator, "globex");
            chat.postMessage(operator, globex.id(), NewMessage.of("Welcome to the marketplace, Globex!"));
            chat.openTransactionChat(operator, new OpenTransactionChat(TRANSACTION,
                    ParticipantRef.businessUser("seller-acme", "acme"),
                    NewMessage.of("The buyer disputes payment " + TRANSACTION + ". Can you share the receipt?")));
        };
    }

    /** All of txchat's staff permissions: what the demo operator holds. */
    static String[] allPermissions() {
        return new String[] {ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
                ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_DELETION_EXECUTOR,
                ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER};
    }
}
