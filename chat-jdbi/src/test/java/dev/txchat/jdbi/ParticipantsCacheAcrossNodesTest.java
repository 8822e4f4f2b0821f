package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each store keeps the participants of recently written conversations, checked against the
 * row's participants version. Two stores over one database stand for two application nodes:
 * a member removed on node B must be refused on node A, whose cache still holds the old list
 * (warmed by that member's own post a moment before).
 */
class ParticipantsCacheAcrossNodesTest {
    private static final Actor STAFF = Actor.service("cache-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aMemberRemovedOnOneNodeCannotPostThroughAnotherNodesWarmCache(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        JdbiChatStore nodeA = JdbiChatStore.create(shared.jdbi()).withTablePrefix(shared.tablePrefix());
        JdbiChatStore nodeB = JdbiChatStore.create(shared.jdbi()).withTablePrefix(shared.tablePrefix());
        Actor member = Actor.business("cache-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
        try (ChatService a = ChatService.builder().store(nodeA).transactionDirectory(new FakeTransactionDirectory()).build();
             ChatService b = ChatService.builder().store(nodeB).transactionDirectory(new FakeTransactionDirectory()).build()) {
            Conversation chat = a.startConversation(STAFF, new StartConversation(
                    ParticipantRef.businessUser(member.userId(), member.organizationId()), "cache", null));
            a.postMessage(member, chat.id(), NewMessage.of("warms node A's cache"));
            Participant business = chat.participants().stream()
                    .filter(p -> p.type() == ParticipantType.BUSINESS).findFirst().orElseThrow();

            b.removeParticipant(STAFF, chat.id(), business.id());

            assertThatThrownBy(() -> a.postMessage(member, chat.id(), NewMessage.of("after removal")))
                    .isInstanceOf(NotFoundException.class);
            assertThat(a.listMessages(STAFF, chat.id(), dev.txchat.core.PageRequest.first(10)).nodes())
                    .extracting(m -> m.message().body()).containsExactly("warms node A's cache");
        }
    }
}
