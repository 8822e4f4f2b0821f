package dev.txchat.core.spi;

import dev.txchat.core.Conversation;
import dev.txchat.core.Message;
import dev.txchat.core.ParticipantType;
import java.time.Instant;
import java.util.Objects;

/**
 * A conversation row as a store holds it: the conversation with all its participants,
 * the counters kept on the row, and its newest message. Immutable.
 *
 * @param conversation       the conversation, with every participant that ever joined, in joining order
 * @param messageCount       how many messages it holds; equals the newest sequence
 * @param unreadFromService  SERVICE-sent messages not yet marked read (the business side's unread count)
 * @param unreadFromBusiness BUSINESS-sent messages not yet marked read (the service side's unread count)
 * @param lastActivityAt     creation time, or the time of the newest message; the list order key
 * @param lastMessage        the message with sequence {@code messageCount}, or null when there is none
 * @param compliance         the audit chain's head and the legal hold; {@link ComplianceState#NONE} unless read by
 *                           {@link ChatStoreTransaction#lockConversationWithCompliance} (other reads need not fill it)
 */
public record StoredConversation(Conversation conversation, long messageCount, long unreadFromService,
                                 long unreadFromBusiness, Instant lastActivityAt, Message lastMessage,
                                 ComplianceState compliance) {
    public StoredConversation {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
        Objects.requireNonNull(compliance, "compliance");
    }

    /** A conversation read without its compliance state ({@link ComplianceState#NONE}). */
    public StoredConversation(Conversation conversation, long messageCount, long unreadFromService,
                              long unreadFromBusiness, Instant lastActivityAt, Message lastMessage) {
        this(conversation, messageCount, unreadFromService, unreadFromBusiness, lastActivityAt, lastMessage,
                ComplianceState.NONE);
    }

    /** This conversation with {@code compliance}. */
    public StoredConversation withCompliance(ComplianceState compliance) {
        return new StoredConversation(conversation, messageCount, unreadFromService, unreadFromBusiness,
                lastActivityAt, lastMessage, compliance);
    }

    /** How many messages {@code readerSide} has not read: those the other side sent. */
    public long unreadFor(ParticipantType readerSide) {
        return readerSide == ParticipantType.SERVICE ? unreadFromBusiness : unreadFromService;
    }

    /** The position of this conversation in conversation lists. */
    public ConversationKey key() {
        return new ConversationKey(lastActivityAt, conversation.id());
    }
}
