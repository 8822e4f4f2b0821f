package example;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.spi.ChatPermissions;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot host: chat-spring-boot-starter gives it a ChatService on its DataSource (embedded
 * H2). At startup it posts into a seller's account thread through the injected service, reads the
 * message back, and checks the starter's metrics and health; then it stops.
 */
@SpringBootApplication
public class HostApplication {

    public static void main(String[] args) {
        try (ConfigurableApplicationContext context = SpringApplication.run(HostApplication.class, args)) {
            System.out.println("txchat host (Spring Boot): OK");
        }
    }

    @Bean
    ApplicationRunner postAtStartup(ChatService chat, MeterRegistry meters, List<HealthIndicator> health) {
        return args -> {
            Actor seller = Actor.business("bob", "acme-shop");
            Actor staff = Actor.service("alice", ChatPermissions.CONVERSATION_VIEWER);

            Conversation thread = chat.accountThread(seller, "acme-shop");
            ParticipantMessage posted = chat.postMessage(seller, thread.id(),
                    NewMessage.of("When is our next payout?"));

            List<ParticipantMessage> read = chat.listMessages(staff, thread.id(), PageRequest.last(10)).nodes();
            System.out.println("read back: " + read.get(read.size() - 1).body());
            check(read.get(read.size() - 1).id().equals(posted.id()), "the message was not read back");
            check(meters.get("txchat.calls").tag("call", "postMessage").tag("outcome", "success").timer().count() == 1,
                    "no txchat.calls timer for postMessage");
            check(health.stream().anyMatch(h -> h.getClass().getSimpleName().equals("TxchatHealthIndicator")
                    && h.health().getStatus().equals(Status.UP)), "the txchat health indicator is missing or not UP");
        };
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }
}
