package dev.txchat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.core.spi.ChatAction;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChatServiceBuilderTest {

    private final ChatStore unusedStore = new ChatStore() {
        @Override
        public <T> T inTransaction(java.util.function.Function<dev.txchat.core.spi.ChatStoreTransaction, T> work) {
            throw new AssertionError("the store must not be touched");
        }
    };

    @Test
    void buildingWithoutAStoreFailsWithAClearMessage() {
        assertThatThrownBy(() -> ChatService.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("store(...) is required");
    }

    @Test
    void regulatedModeIsRefusedOnAStoreThatDoesNotSupportItNamingTheStore() {
        ChatServiceBuilder builder = ChatService.builder().store(unusedStore)
                .compliance(CompliancePolicy.regulated(Duration.ofDays(6 * 365)));
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("regulated mode")
                .hasMessageContaining(unusedStore.getClass().getName());
        // the standard policy (edits and redactions without the record) builds on the same store
        assertThat(ChatService.builder().store(unusedStore).compliance(CompliancePolicy.standard()).build())
                .isNotNull();
    }

    @Test
    void aStoreThatSupportsRegulatedModeGetsIt() {
        ChatStore capable = new ChatStore() {
            @Override
            public <T> T inTransaction(java.util.function.Function<dev.txchat.core.spi.ChatStoreTransaction, T> work) {
                throw new AssertionError("the store must not be touched");
            }

            @Override
            public boolean supportsRegulatedMode() {
                return true;
            }
        };
        assertThat(ChatService.builder().store(capable)
                .compliance(CompliancePolicy.regulated(Duration.ofDays(1)).withMaximumRetention(Duration.ofDays(2)))
                .build()).isNotNull();
    }

    @Test
    void aMaximumRetentionShorterThanTheMinimumIsRejected() {
        CompliancePolicy policy = CompliancePolicy.regulated(Duration.ofDays(10));
        assertThatThrownBy(() -> policy.withMaximumRetention(Duration.ofDays(9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum retention");
        assertThatThrownBy(() -> CompliancePolicy.standard().withMaximumRetention(Duration.ofDays(9)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(CompliancePolicy.standard().editWindow()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void negativeListenerTimeoutIsRejected() {
        assertThatThrownBy(() -> ChatService.builder().listenerTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everySetterReturnsTheSameBuilder() {
        ChatServiceBuilder builder = ChatService.builder();
        assertThat(builder.store(unusedStore)).isSameAs(builder);
        assertThat(builder.accessPolicy(AccessPolicy.permissionBased())).isSameAs(builder);
        assertThat(builder.listener(event -> { })).isSameAs(builder);
        assertThat(builder.listenerTimeout(Duration.ZERO)).isSameAs(builder);
        assertThat(builder.build()).isNotNull();
    }

    @Test
    void badArgumentsAreRejectedBeforeTheStoreIsTouched() {
        ChatService chat = ChatService.builder().store(unusedStore).build();
        Actor staff = Actor.service("s1", ChatPermissions.CONVERSATION_VIEWER);
        assertThatThrownBy(() -> chat.getConversation(null, ConversationId.random()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("actor")).isTrue());
        assertThatThrownBy(() -> chat.listMessages(staff, ConversationId.random(), PageRequest.first(0)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("first")).isTrue());
        assertThatThrownBy(() -> chat.listMessages(staff, ConversationId.random(), PageRequest.last(101)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("last")).isTrue());
        assertThatThrownBy(() -> chat.accountThread(staff, " "))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.hasErrorOn("organizationId")).isTrue());
    }

    @Test
    void permissionBasedPolicyRequiresEachActionsPermissionOfStaffOnly() {
        AccessPolicy policy = AccessPolicy.permissionBased();
        for (ChatAction action : ChatAction.values()) {
            assertThat(policy.permits(Actor.service("s", action.requiredPermission()), action)).isTrue();
            assertThat(policy.permits(Actor.service("s"), action)).isFalse();
            assertThat(policy.permits(Actor.business("b", "o"), action)).isEqualTo(action.openToBusiness());
        }
    }

    @Test
    void permissionConstantsEqualTheirNames() throws Exception {
        for (var field : Arrays.stream(ChatPermissions.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers())).toList()) {
            assertThat(field.get(null)).isEqualTo(field.getName());
        }
    }

    @Test
    void idsRoundTripThroughTheirTextAndRejectGarbageOnTheirField() {
        ConversationId id = ConversationId.random();
        assertThat(ConversationId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> MessageId.parse("1-1-1-1-1"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("messageId")).isTrue());
        assertThatThrownBy(() -> ConversationId.parse(null))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.hasErrorOn("conversationId")).isTrue());
    }

    @Test
    void actorsValidateTheirIds() {
        assertThatThrownBy(() -> Actor.business(" ", "org"))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.hasErrorOn("actor.userId")).isTrue());
        assertThatThrownBy(() -> Actor.service("x".repeat(129)))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.hasErrorOn("actor.userId")).isTrue());
    }
}
