package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.StoredConversation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Instants read back exactly, to the microsecond, whatever the JVM's default time zone and
 * the database session's time zone are.
 */
class TimeZoneTest {

    /** Microsecond instants around a S&atilde;o Paulo DST change, before the epoch, and far ahead. */
    private static final List<Instant> INSTANTS = List.of(
            Instant.parse("2018-11-04T02:59:59.999999Z"),
            Instant.parse("2018-11-04T03:00:00.000001Z"),
            Instant.parse("1969-12-31T23:59:59.876543Z"),
            Instant.parse("2099-06-30T12:34:56.654321Z"));

    private static String sessionTimeZone(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "SET TIME ZONE 'Asia/Kolkata'";
            case MARIADB -> "SET time_zone = '+05:30'";
            case H2 -> "SET TIME ZONE 'Asia/Kolkata'";
        };
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void instantsRoundTripExactlyInANonUtcJvmAndSessionTimeZone(Dialect dialect) {
        TestDatabases.requireAvailable(dialect);
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/Sao_Paulo"));
        try (HikariDataSource pool = TestDatabases.pool(dialect, sessionTimeZone(dialect), 2)) {
            JdbiChatStore store = JdbiChatStore.create(pool).withTablePrefix(TestDatabases.PREFIX);
            for (Instant at : INSTANTS) {
                roundTrip(store, at);
            }
        } finally {
            TimeZone.setDefault(original);
        }
    }

    private static void roundTrip(JdbiChatStore store, Instant at) {
        Instant later = at.plusNanos(1_000);
        String transactionId = "tz-" + UUID.randomUUID();
        ConversationId id = ConversationId.random();
        Participant staff = new Participant(ParticipantId.random(), ParticipantType.SERVICE, "staff-" + id, null, at,
                null);
        MessageId messageId = MessageId.random();

        store.inTransaction(t -> {
            TicketId ticket = t.findOrCreateTicket(TicketId.random(), transactionId, Map.of(), at).value().id();
            t.createConversation(new NewConversation(new Conversation(id, ConversationKind.TRANSACTION, ticket,
                    transactionId, null, null, ConversationStatus.OPEN, at, List.of(staff)), null));
            t.appendMessage(new NewStoredMessage(messageId, id, staff.id(), ParticipantType.SERVICE, staff.userId(),
                    "hello", null, at));
            return t.markRead(id, ParticipantType.SERVICE, later);
        });

        StoredConversation stored = store.inTransaction(t -> t.findConversation(id)).orElseThrow();
        TransactionTicket ticket = store.inTransaction(t -> t.findTicket(transactionId)).orElseThrow();
        Message message = store.inTransaction(t -> t.listMessages(id, null, true, 10)).get(0);
        // and through the shared pool, whose sessions run in the server's default zone
        StoredConversation viaShared = TestDatabases.store(store.dialect())
                .inTransaction(t -> t.findConversation(id)).orElseThrow();

        assertThat(ticket.createdAt()).isEqualTo(at);
        assertThat(stored.conversation().createdAt()).isEqualTo(at);
        assertThat(stored.lastActivityAt()).isEqualTo(at);
        assertThat(stored.conversation().participants().get(0).joinedAt()).isEqualTo(at);
        assertThat(message.createdAt()).isEqualTo(at);
        assertThat(message.readAt()).isEqualTo(later);
        assertThat(stored.lastMessage()).isEqualTo(message);
        assertThat(viaShared).isEqualTo(stored);
    }
}
