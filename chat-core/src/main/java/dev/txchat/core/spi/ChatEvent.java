package dev.txchat.core.spi;

import dev.txchat.core.Actor;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import java.time.Instant;

/**
 * Something that happened in the chat, delivered to {@link ChatEventListener}s after commit.
 * Immutable.
 */
public sealed interface ChatEvent {

    /** The conversation concerned. */
    ConversationId conversationId();

    /** Who caused it. */
    Actor actor();

    /** A conversation was created (transaction chat, direct chat or account thread). */
    record ConversationStarted(Conversation conversation, Actor actor) implements ChatEvent {
        @Override
        public ConversationId conversationId() {
            return conversation.id();
        }
    }

    /** A message was stored (not raised for an idempotent repeat). */
    record MessagePosted(ConversationId conversationId, ParticipantMessage message, Actor actor) implements ChatEvent {
    }

    /** Messages of {@code sentBy} were marked read. */
    record MessagesRead(ConversationId conversationId, ParticipantType sentBy, ReadReceipt receipt, Actor actor)
            implements ChatEvent {
    }

    /** A conversation was soft-deleted. */
    record ConversationDeleted(ConversationId conversationId, Instant deletedAt, Actor actor) implements ChatEvent {
    }

    /** A participant joined. */
    record ParticipantAdded(ConversationId conversationId, Participant participant, Actor actor) implements ChatEvent {
    }

    /** A participant was removed. */
    record ParticipantRemoved(ConversationId conversationId, Participant participant, Actor actor)
            implements ChatEvent {
    }

    /** Its author edited a message; {@code message} is the message as it now reads, with {@code editedAt}. */
    record MessageEdited(ConversationId conversationId, ParticipantMessage message, Actor actor) implements ChatEvent {
    }

    /**
     * A message was redacted: participants now see a tombstone. The event carries no text,
     * neither old nor new.
     */
    record MessageRedacted(ConversationId conversationId, MessageId messageId, Instant redactedAt, Actor actor)
            implements ChatEvent {
    }
}
