package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store built on the host's {@link Jdbi} joins the host's own transaction: its writes and
 * its events follow the host's outcome. Listeners hear nothing before the host commits, and
 * nothing at all for work the host rolls back.
 */
class JoinedHostTransactionTest {

    private static final Actor STAFF = Actor.service("joined-staff-" + UUID.randomUUID(),
            ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR, ChatPermissions.CONVERSATION_VIEWER,
            ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);

    private final List<ChatEvent> heard = new CopyOnWriteArrayList<>();
    private final FakeTransactionDirectory directory = new FakeTransactionDirectory();

    private ChatService chatOn(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        return ChatService.builder()
                .store(JdbiChatStore.create(shared.jdbi()).withTablePrefix(shared.tablePrefix()))
                .transactionDirectory(directory)
                .listener(heard::add)
                .listenerTimeout(Duration.ofSeconds(30))
                .build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void workTheHostRollsBackIsNeverStoredNorHeard(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            Actor user = Actor.business("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
            String tx = "tx-" + UUID.randomUUID();
            directory.register(tx, Map.of("amount", "1.00 EUR"), new WalletOwner(user.userId(), user.organizationId()));

            assertThatThrownBy(() -> jdbi.useTransaction(h -> {
                chat.openTransactionChat(STAFF, new OpenTransactionChat(tx,
                        ParticipantRef.businessUser(user.userId(), user.organizationId()), NewMessage.of("hello")));
                chat.startConversation(STAFF, new StartConversation(
                        ParticipantRef.businessUser(user.userId(), user.organizationId()), "s", NewMessage.of("x")));
                throw new IllegalStateException("the host's own work failed");
            })).isInstanceOf(IllegalStateException.class);

            assertThat(heard).isEmpty();
            assertThatThrownBy(() -> chat.ticket(STAFF, tx)).isInstanceOf(NotFoundException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void eventsOfJoinedWorkArriveOnlyAfterTheHostCommits(Dialect dialect) {
        try (ChatService chat = chatOn(dialect)) {
            Jdbi jdbi = TestDatabases.store(dialect).jdbi();
            Actor user = Actor.business("u-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
            ConversationId id = chat.startConversation(STAFF, new StartConversation(
                    ParticipantRef.businessUser(user.userId(), user.organizationId()), null, null)).id();
            heard.clear();

            jdbi.useTransaction(h -> {
                chat.postMessage(user, id, NewMessage.of("inside the host's transaction"));
                assertThat(heard).as("nothing is heard before the host commits").isEmpty();
            });

            assertThat(heard).singleElement().isInstanceOfSatisfying(ChatEvent.MessagePosted.class,
                    e -> assertThat(e.message().body()).isEqualTo("inside the host's transaction"));
            assertThat(chat.listMessages(user, id, PageRequest.first(10)).nodes()).hasSize(1);
        }
    }
}
