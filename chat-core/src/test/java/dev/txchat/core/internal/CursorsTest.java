package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.ConversationId;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ConversationKey;
import java.time.Instant;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CursorsTest {

    private final ConversationId conversation = ConversationId.random();

    @Test
    void messageCursorsRoundTripForTheirConversation() {
        String cursor = Cursors.forMessage(conversation, 42);
        assertThat(Cursors.messageSequence(cursor, conversation, "after")).isEqualTo(42);
    }

    @Test
    void messageCursorOfAnotherConversationIsRejectedOnTheGivenField() {
        String cursor = Cursors.forMessage(ConversationId.random(), 42);
        assertRejected(() -> Cursors.messageSequence(cursor, conversation, "before"), "before");
    }

    @Test
    void editedCursorIsRejected() {
        String cursor = Cursors.forMessage(conversation, 42);
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(text.replace("|42|", "|43|").getBytes(StandardCharsets.UTF_8));
        assertRejected(() -> Cursors.messageSequence(forged, conversation, "after"), "after");
    }

    @Test
    void garbageIsRejected() {
        assertRejected(() -> Cursors.messageSequence("abc", conversation, "after"), "after");
        assertRejected(() -> Cursors.messageSequence("%%%", conversation, "after"), "after");
        assertRejected(() -> Cursors.messageSequence("x".repeat(5000), conversation, "after"), "after");
    }

    @Test
    void conversationCursorsAreBoundToTheirScope() {
        ConversationKey key = new ConversationKey(Instant.parse("2026-01-02T03:04:05.123456Z"), conversation);
        String cursor = Cursors.forConversation(key, "service|a");
        assertThat(Cursors.conversationKey(cursor, "service|a", "after")).isEqualTo(key);
        assertRejected(() -> Cursors.conversationKey(cursor, "service|b", "after"), "after");
    }

    @Test
    void aMessageCursorIsNotAConversationCursor() {
        String cursor = Cursors.forMessage(conversation, 1);
        assertRejected(() -> Cursors.conversationKey(cursor, "m|" + conversation, "after"), "after");
    }

    private static void assertRejected(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.hasErrorOn(field)).isTrue());
    }
}
