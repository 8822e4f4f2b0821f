package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.ConversationId;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ConversationKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CursorsTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final Cursors cursors = new Cursors(SECRET);
    private final ConversationId conversation = ConversationId.random();

    @Test
    void messageCursorsRoundTripForTheirConversation() {
        String cursor = cursors.forMessage(conversation, 42);
        assertThat(cursors.messageSequence(cursor, conversation, "after")).isEqualTo(42);
    }

    @Test
    void messageCursorOfAnotherConversationIsRejectedOnTheGivenField() {
        String cursor = cursors.forMessage(ConversationId.random(), 42);
        assertRejected(() -> cursors.messageSequence(cursor, conversation, "before"), "before");
    }

    @Test
    void everySingleBitFlipOfACursorIsRejected() {
        String cursor = cursors.forMessage(conversation, 42);
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] edited = bytes.clone();
            edited[bit / 8] ^= (byte) (1 << (bit % 8));
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(edited);
            assertRejected(() -> cursors.messageSequence(forged, conversation, "after"), "after");
        }
    }

    @Test
    void aCursorSignedWithAnotherSecretIsRejected() {
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        String cursor = new Cursors(other).forMessage(conversation, 42);
        assertRejected(() -> cursors.messageSequence(cursor, conversation, "after"), "after");
    }

    @Test
    void garbageIsRejected() {
        assertRejected(() -> cursors.messageSequence("abc", conversation, "after"), "after");
        assertRejected(() -> cursors.messageSequence("%%%", conversation, "after"), "after");
        assertRejected(() -> cursors.messageSequence("x".repeat(5000), conversation, "after"), "after");
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] noise = new byte[random.nextInt(60)];
            random.nextBytes(noise);
            String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(noise);
            assertRejected(() -> cursors.messageSequence(cursor, conversation, "after"), "after");
            assertRejected(() -> cursors.conversationKey(cursor, List.of("service"), "before"), "before");
        }
    }

    @Test
    void conversationCursorsAreBoundToTheirScope() {
        ConversationKey key = new ConversationKey(Instant.parse("2026-01-02T03:04:05.123456Z"), conversation);
        String cursor = cursors.forConversation(key, List.of("service", "a"));
        assertThat(cursors.conversationKey(cursor, List.of("service", "a"), "after")).isEqualTo(key);
        assertRejected(() -> cursors.conversationKey(cursor, List.of("service", "b"), "after"), "after");
    }

    @Test
    void scopesThatWouldJoinToTheSameTextDoNotShareCursors() {
        ConversationKey key = new ConversationKey(Instant.parse("2026-01-02T03:04:05Z"), conversation);
        List<List<String>> lookAlikes = List.of(
                Arrays.asList("member", "a:b", "c"), Arrays.asList("member", "a", "b:c"),
                Arrays.asList("member", "a|b", "c"), Arrays.asList("member", "a", "b|c"),
                Arrays.asList("member", "a", null), Arrays.asList("member", "a", "null"),
                Arrays.asList("member", "a", ""), Arrays.asList("member", "a"));
        for (List<String> scope : lookAlikes) {
            String cursor = cursors.forConversation(key, scope);
            for (List<String> other : lookAlikes) {
                if (other != scope) {
                    assertRejected(() -> cursors.conversationKey(cursor, other, "after"), "after");
                }
            }
        }
    }

    @Test
    void aValidlySignedCursorWithAnOutOfRangeTimeIsRejectedNotThrown() {
        // what someone holding the key could forge: the MAC is right, the position absurd
        for (long second : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 9_300_000_000_000L, -9_300_000_000_000L}) {
            String forged = resealConversationCursor(second, 0);
            assertRejected(() -> cursors.conversationKey(forged, List.of("service"), "after"), "after");
        }
        String badNanos = resealConversationCursor(0, 1_000_000_000);
        assertRejected(() -> cursors.conversationKey(badNanos, List.of("service"), "after"), "after");
    }

    @Test
    void aMessageCursorIsNotAConversationCursor() {
        String cursor = cursors.forMessage(conversation, 1);
        assertRejected(() -> cursors.conversationKey(cursor, List.of("m", conversation.toString()), "after"), "after");
    }

    @Test
    void secretsShorterThan128BitsAreRefused() {
        assertThatThrownBy(() -> new Cursors(new byte[15])).isInstanceOf(IllegalArgumentException.class);
    }

    /** Builds a conversation cursor the way the class does, with any position, signed with the right key. */
    private String resealConversationCursor(long second, int nano) {
        // a legitimate cursor at a time from which the valid layout can be reused
        ConversationKey key = new ConversationKey(Instant.ofEpochSecond(1), conversation);
        String model = cursors.forConversation(key, List.of("service"));
        byte[] sealed = Base64.getUrlDecoder().decode(model);
        ByteBuffer.wrap(sealed).putLong(2, second).putInt(10, nano);
        return resign(sealed);
    }

    private String resign(byte[] sealed) {
        try {
            int positionBytes = sealed.length - 16;
            byte[] list = encodeServiceList();
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(4).putInt(list.length).array());
            mac.update(list);
            mac.update(sealed, 0, positionBytes);
            System.arraycopy(mac.doFinal(), 0, sealed, positionBytes, 16);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encodeServiceList() {
        byte[] service = "service".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + service.length).put((byte) 'c').putInt(service.length).put(service).array();
    }

    private static void assertRejected(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.hasErrorOn(field)).isTrue());
    }
}
