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
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each store keeps the participants of recently written conversations, checked against the
 * row's participants version. Two stores over one database stand for two application nodes:
 * a member removed on node B must be refused on node A, whose cache still holds the old list
 * (warmed by that member's own post a moment before). A membership change that rolls back
 * must not leave behind a cached list that a later committed change's version matches.
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

    /**
     * On node A a host transaction removes a member and then posts, so the post caches the
     * list without the member under the uncommitted version; the host rolls back. Node B then
     * commits a change (a member added). Its version must be one node A's list was never cached
     * under: with a counter (old version + 1) it would be the rolled-back version again, and
     * node A would refuse both members from its stale list.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRolledBackMembershipChangeLeavesNoCachedListALaterChangeCouldMatch(Dialect dialect) {
        JdbiChatStore shared = TestDatabases.store(dialect);
        Jdbi jdbi = shared.jdbi();
        JdbiChatStore nodeA = JdbiChatStore.create(jdbi).withTablePrefix(shared.tablePrefix());
        JdbiChatStore nodeB = JdbiChatStore.create(jdbi).withTablePrefix(shared.tablePrefix());
        Actor member = Actor.business("cache-" + UUID.randomUUID(), "org-" + UUID.randomUUID());
        Actor joiner = Actor.business("cache-" + UUID.randomUUID(), member.organizationId());
        try (ChatService a = ChatService.builder().store(nodeA).transactionDirectory(new FakeTransactionDirectory()).build();
             ChatService b = ChatService.builder().store(nodeB).transactionDirectory(new FakeTransactionDirectory()).build()) {
            Conversation chat = a.startConversation(STAFF, new StartConversation(
                    ParticipantRef.businessUser(member.userId(), member.organizationId()), "cache", null));
            Participant business = chat.participants().stream()
                    .filter(p -> p.type() == ParticipantType.BUSINESS).findFirst().orElseThrow();

            assertThatThrownBy(() -> jdbi.useTransaction(host -> {
                a.removeParticipant(STAFF, chat.id(), business.id());
                a.postMessage(STAFF, chat.id(), NewMessage.of("caches the list without the member"));
                throw new IllegalStateException("the host's own work failed");
            })).isInstanceOf(IllegalStateException.class);
            b.addParticipant(STAFF, chat.id(), ParticipantRef.businessUser(joiner.userId(), joiner.organizationId()));

            a.postMessage(member, chat.id(), NewMessage.of("still a member: the removal rolled back"));
            a.postMessage(joiner, chat.id(), NewMessage.of("added on node B after the rollback"));
            assertThat(a.listMessages(STAFF, chat.id(), dev.txchat.core.PageRequest.first(10)).nodes())
                    .extracting(m -> m.message().body())
                    .containsExactly("still a member: the removal rolled back", "added on node B after the rollback");
        }
    }
}
