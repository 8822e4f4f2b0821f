package dev.txchat.spring.web;

import dev.txchat.core.Actor;
import dev.txchat.core.ParticipantType;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The test host: embedded H2 (Boot's DataSource), the starter, this module, a fake transaction
 * directory and an {@link ActorResolver} reading {@code X-Test-User}, {@code X-Test-Org}
 * (present: a business user of that organization; absent: staff) and
 * {@code X-Test-Permissions} (comma-separated, staff only). No {@code X-Test-User}: unauthenticated.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApp {

    @Bean
    FakeTransactionDirectory transactionDirectory() {
        return new FakeTransactionDirectory();
    }

    @Bean
    ActorResolver testActorResolver() {
        return request -> {
            String user = request.getHeader("X-Test-User");
            if (user == null) {
                return null;
            }
            String org = request.getHeader("X-Test-Org");
            if (org != null) {
                return Actor.business(user, org);
            }
            String permissions = request.getHeader("X-Test-Permissions");
            Set<String> granted = permissions == null ? Set.of()
                    : Arrays.stream(permissions.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                            .collect(Collectors.toSet());
            return new Actor(ParticipantType.SERVICE, user, null, granted);
        };
    }
}
