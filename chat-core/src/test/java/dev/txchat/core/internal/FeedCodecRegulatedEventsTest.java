package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ChatEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Edits and redactions travel through the change feed like every other event. */
class FeedCodecRegulatedEventsTest {

    private final ConversationId conversation = ConversationId.random();
    private final Participant sender = new Participant(ParticipantId.random(), ParticipantType.BUSINESS, "u", "o",
            Instant.parse("2026-01-01T00:00:00Z"), null);
    private final Actor actor = new Actor(ParticipantType.BUSINESS, "u", "o", java.util.Set.of());

    @Test
    void anEditRoundTripsWithItsEditTime() {
        Message edited = new Message(MessageId.random(), conversation, 3, sender.id(), ParticipantType.BUSINESS, "u",
                "new text", Instant.parse("2026-01-01T00:00:01Z"), null, null,
                Instant.parse("2026-01-01T00:05:00.000001Z"), null);
        ChatEvent event = new ChatEvent.MessageEdited(conversation, new ParticipantMessage(edited, sender), actor);

        ChatEvent decoded = FeedCodec.decode(FeedCodec.type(event), FeedCodec.encode(event));

        assertThat(FeedCodec.type(event)).isEqualTo("MessageEdited");
        assertThat(decoded).isEqualTo(event);
    }

    @Test
    void aRedactionRoundTripsAndCarriesNoText() {
        ChatEvent event = new ChatEvent.MessageRedacted(conversation, MessageId.random(),
                Instant.parse("2026-01-01T00:05:00Z"), actor);

        String payload = FeedCodec.encode(event);

        assertThat(FeedCodec.decode("MessageRedacted", payload)).isEqualTo(event);
        assertThat(payload).doesNotContain("body");
    }

    @Test
    void aPostedMessageKeepsThePayloadShapeItAlwaysHad() {
        Message posted = new Message(MessageId.random(), conversation, 1, sender.id(), ParticipantType.BUSINESS, "u",
                "hello", Instant.parse("2026-01-01T00:00:01Z"), null, null);
        String payload = FeedCodec.encode(new ChatEvent.MessagePosted(conversation,
                new ParticipantMessage(posted, sender), actor));

        assertThat(payload).doesNotContain("editedAt").doesNotContain("redactedAt");
    }
}
