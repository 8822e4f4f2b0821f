package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ChatStore} must have, tested on the persistence port itself
 * (no {@code ChatService} involved). A store's test extends this class and implements
 * {@link #createStore()}:
 *
 * <pre>{@code
 * class MyStoreTest extends ChatStoreContract {
 *     protected ChatStore createStore() {
 *         return MyStore.create(dataSource);
 *     }
 * }
 * }</pre>
 *
 * <p>The store may be shared and already hold data (a database reused across tests):
 * every test works with fresh random transaction, organization and user ids, and scopes
 * every count and list to them, so tests never see each other's rows.
 *
 * <p>Not thread-safe itself; JUnit creates one instance per test. Concurrency tests run
 * their threads on a private executor with bounded waits.
 */
public abstract class ChatStoreContract {

    /** Base instant, with microsecond precision as the core produces. */
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.123456Z");
    private static final long SECOND = 1_000_000L;
    private static final int WAIT_SECONDS = 60;

    private ChatStore store;

    /**
     * The store under test. Called before each test. It may return a store over a
     * database that already holds data from other tests.
     */
    protected abstract ChatStore createStore();

    @BeforeEach
    final void setUpStore() {
        store = createStore();
        assertThat(store).as("createStore()").isNotNull();
    }

    /** The store the current test runs against. */
    protected final ChatStore store() {
        return store;
    }

    // ---- tickets ------------------------------------------------------------------------------

    @Test
    void aTicketIsCreatedOnceAndThenFoundByItsTransactionId() {
        String transactionId = uid("tx");
        TicketId id = TicketId.random();
        Map<String, String> details = Map.of("amount", "10.00 EUR", "wallet", "w-1");

        Stored<TransactionTicket> first = inFindOrCreateTicket(id, transactionId, details, T0);
        Stored<TransactionTicket> second = inFindOrCreateTicket(TicketId.random(), transactionId,
                Map.of("other", "details"), at(5 * SECOND));

        TransactionTicket expected = new TransactionTicket(id, transactionId, details, T0, List.of());
        assertThat(first.created()).isTrue();
        assertThat(first.value()).isEqualTo(expected);
        assertThat(second.created()).isFalse();
        assertThat(second.value()).isEqualTo(expected);
        assertThat(inFindTicket(transactionId)).contains(expected);
    }

    @Test
    void findingTheTicketOfAnUnknownTransactionReturnsEmpty() {
        assertThat(inFindTicket(uid("tx"))).isEmpty();
    }

    @Test
    void aTicketCreatedInAUnitOfWorkIsVisibleLaterInThatUnitOfWork() {
        String transactionId = uid("tx");
        TicketId id = TicketId.random();

        Optional<TransactionTicket> found = tx(t -> {
            t.findOrCreateTicket(id, transactionId, Map.of(), T0);
            return t.findTicket(transactionId);
        });

        assertThat(found).map(TransactionTicket::id).contains(id);
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void sixteenThreadsRacingToCreateTheSameTicketYieldExactlyOneTicket() {
        String transactionId = uid("tx");

        List<Stored<TransactionTicket>> results = Concurrently.run(16, i -> inFindOrCreateTicket(
                TicketId.random(), transactionId, Map.of("thread", Integer.toString(i)), at(i)));

        assertThat(results).filteredOn(s -> s.created()).hasSize(1);
        TransactionTicket winner = results.stream().filter(s -> s.created()).findFirst().orElseThrow().value();
        assertThat(results).extracting(Stored::value).containsOnly(winner);
        assertThat(inFindTicket(transactionId)).contains(winner);
    }

    @Test
    void findTicketListsAllItsConversationsOldestFirstWithParticipantsIncludingDeletedOnes() {
        String transactionId = uid("tx");
        String org = uid("org");
        TicketId ticketId = inFindOrCreateTicket(TicketId.random(), transactionId, Map.of(), T0)
                .value().id();
        // Inserted in another order than their creation times, so only sorting by time passes.
        Conversation second = transactionChat(ticketId, transactionId, org, at(2 * SECOND));
        Conversation first = transactionChat(ticketId, transactionId, org, at(SECOND));
        Conversation third = transactionChat(ticketId, transactionId, org, at(3 * SECOND));
        create(second, liveKey(transactionId, second));
        create(first, liveKey(transactionId, first));
        create(third, liveKey(transactionId, third));
        assertThat(inMarkDeleted(second.id(), at(4 * SECOND))).isTrue();
        // Neither another ticket's chat nor a direct chat with the same organization belongs to it.
        String otherTransaction = uid("tx");
        TicketId otherTicket = inFindOrCreateTicket(TicketId.random(), otherTransaction, Map.of(), T0)
                .value().id();
        create(transactionChat(otherTicket, otherTransaction, org, at(SECOND)), null);
        create(direct(org, at(SECOND), joined(ParticipantRef.businessAccount(org), at(SECOND))), null);

        TransactionTicket ticket = inFindTicket(transactionId).orElseThrow();

        assertThat(ticket.id()).isEqualTo(ticketId);
        assertThat(ticket.conversations()).containsExactly(first, withStatus(second, ConversationStatus.DELETED),
                third);
    }

    @Test
    void ticketDetailsRoundTripExactly() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("amount", "1 234,56 €");
        details.put("note", "'; DROP TABLE x; --");
        details.put("ünïcödé 🔑", "значение 😀 مرحبا");
        details.put("empty", "");
        details.put("json", "{\"a\":[1,2],\"b\":null}\\n");
        details.put("lines", "a\nb\tc");
        details.put("key=with&separators;", "value=with&separators;");
        details.put("long", "x".repeat(1000));
        String withDetails = uid("tx");
        String withoutDetails = uid("tx");

        inFindOrCreateTicket(TicketId.random(), withDetails, details, T0);
        inFindOrCreateTicket(TicketId.random(), withoutDetails, Map.of(), T0);

        assertThat(inFindTicket(withDetails).orElseThrow().details()).isEqualTo(details);
        assertThat(inFindTicket(withoutDetails).orElseThrow().details()).isEmpty();
    }

    // ---- conversations ------------------------------------------------------------------------

    @Test
    void aCreatedConversationIsStoredWithItsParticipantsInOrderAndZeroCounters() {
        String org = uid("org");
        Instant createdAt = at(SECOND);
        // Same join time and ids in no particular order: only the given order is the joining order.
        Participant staff = joined(id('f'), ParticipantRef.serviceUser(uid("staff")), createdAt);
        Participant user = joined(id('1'), ParticipantRef.businessUser(uid("user"), org), createdAt);
        Participant account = joined(id('8'), ParticipantRef.businessAccount(org), createdAt);
        Conversation conversation = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null,
                org, "Refund question", ConversationStatus.OPEN, createdAt, List.of(staff, user, account));

        Stored<StoredConversation> created = inCreateConversation(new NewConversation(conversation, null));

        StoredConversation expected = new StoredConversation(conversation, 0, 0, 0, createdAt, null);
        assertThat(created.created()).isTrue();
        assertThat(created.value()).isEqualTo(expected);
        assertThat(inFindConversation(conversation.id())).contains(expected);
        assertThat(inLockConversation(conversation.id())).contains(expected);
    }

    @Test
    void anAccountThreadWithNullSubjectAndOrganizationLevelParticipantsRoundTrips() {
        String org = uid("org");
        Conversation thread = new Conversation(ConversationId.random(), ConversationKind.ACCOUNT, null, null, org,
                null, ConversationStatus.OPEN, T0,
                List.of(joined(ParticipantRef.platform(), T0), joined(ParticipantRef.businessAccount(org), T0)));
        Conversation bare = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null, null,
                null, ConversationStatus.OPEN, T0, List.of(joined(ParticipantRef.businessUser(uid("u"), null), T0)));

        create(thread, "A:" + org);
        create(bare, null);

        assertThat(inFindConversation(thread.id()).map(StoredConversation::conversation)).contains(thread);
        assertThat(inFindLiveConversation("A:" + org).map(StoredConversation::conversation))
                .contains(thread);
        assertThat(inFindConversation(bare.id()).map(StoredConversation::conversation)).contains(bare);
    }

    @Test
    void findingAnUnknownConversationReturnsEmpty() {
        ConversationId unknown = ConversationId.random();

        assertThat(inFindConversation(unknown)).isEmpty();
        assertThat(inLockConversation(unknown)).isEmpty();
        assertThat(inFindLiveConversation(uid("T:no-such-key"))).isEmpty();
    }

    @Test
    void aLiveKeyHeldByAnOpenConversationReturnsThatConversationUnchanged() {
        String org = uid("org");
        String key = "A:" + org;
        Conversation holder = accountThread(org, T0);
        create(holder, key);
        Participant platform = holder.participants().get(0);
        Message message = append(holder.id(), platform, "hello", null, at(SECOND)).value();
        Conversation contender = accountThread(org, at(2 * SECOND));

        Stored<StoredConversation> result = inCreateConversation(new NewConversation(contender, key));

        assertThat(result.created()).isFalse();
        assertThat(result.value()).isEqualTo(new StoredConversation(holder, 1, 1, 0, at(SECOND), message));
        assertThat(inFindConversation(contender.id())).isEmpty();
        assertThat(inFindLiveConversation(key)).contains(result.value());
        assertThat(count(staff(ConversationFilter.all().withParticipantId(org).includingDeleted()))).isEqualTo(1);
    }

    @Test
    void conversationsWithoutALiveKeyNeverCollide() {
        String org = uid("org");
        Conversation one = direct(org, T0, joined(ParticipantRef.businessAccount(org), T0));
        Conversation two = direct(org, T0, joined(ParticipantRef.businessAccount(org), T0));

        assertThat(inCreateConversation(new NewConversation(one, null)).created()).isTrue();
        assertThat(inCreateConversation(new NewConversation(two, null)).created()).isTrue();

        assertThat(count(staff(ConversationFilter.all().withParticipantId(org)))).isEqualTo(2);
    }

    @Test
    void liveKeysCompareExactlyIgnoringNeitherCaseNorAccents() {
        String base = "T:7:tx-" + UUID.randomUUID() + ":user-e";
        List<String> keys = List.of(base, base.toUpperCase(), base.substring(0, base.length() - 1) + "é");
        String org = uid("org");

        for (String key : keys) {
            Conversation conversation = direct(org, T0, joined(ParticipantRef.businessAccount(org), T0));
            assertThat(inCreateConversation(new NewConversation(conversation, key)).created())
                    .as("created with key %s", key).isTrue();
            assertThat(inFindLiveConversation(key).map(c -> c.conversation().id()))
                    .contains(conversation.id());
        }
        assertThat(count(staff(ConversationFilter.all().withParticipantId(org)))).isEqualTo(3);
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void sixteenThreadsRacingToCreateTheSameLiveConversationYieldExactlyOne() {
        String org = uid("org");
        String key = "A:" + org;

        List<Stored<StoredConversation>> results = Concurrently.run(16, i -> inCreateConversation(
                new NewConversation(accountThread(org, at(i)), key)));

        assertThat(results).filteredOn(s -> s.created()).hasSize(1);
        ConversationId winner = results.stream().filter(s -> s.created()).findFirst().orElseThrow()
                .value().conversation().id();
        assertThat(results).extracting(r -> r.value().conversation().id()).containsOnly(winner);
        assertThat(inFindLiveConversation(key).map(c -> c.conversation().id())).contains(winner);
        assertThat(count(staff(ConversationFilter.all().withParticipantId(org).includingDeleted()))).isEqualTo(1);
    }

    @Test
    void deletingAConversationFreesItsLiveKey() {
        String org = uid("org");
        String key = "A:" + org;
        Conversation old = accountThread(org, T0);
        create(old, key);

        assertThat(inMarkDeleted(old.id(), at(SECOND))).isTrue();

        assertThat(inFindConversation(old.id()).map(StoredConversation::conversation))
                .contains(withStatus(old, ConversationStatus.DELETED));
        assertThat(inFindLiveConversation(key)).isEmpty();
        assertThat(inMarkDeleted(old.id(), at(2 * SECOND))).isFalse();
        assertThat(inMarkDeleted(ConversationId.random(), at(2 * SECOND))).isFalse();

        Conversation reopened = accountThread(org, at(3 * SECOND));
        Stored<StoredConversation> result = inCreateConversation(new NewConversation(reopened, key));

        assertThat(result.created()).isTrue();
        assertThat(inFindLiveConversation(key).map(c -> c.conversation().id())).contains(reopened.id());
        assertThat(inMarkDeleted(reopened.id(), at(4 * SECOND))).isTrue();
        assertThat(inFindConversation(old.id()).orElseThrow().conversation().status())
                .isEqualTo(ConversationStatus.DELETED);
        assertThat(inFindLiveConversation(key)).isEmpty();
    }

    @Test
    void deletingKeepsTheMessagesCountersAndActivity() {
        String org = uid("org");
        Conversation thread = accountThread(org, T0);
        create(thread, "A:" + org);
        Message message = append(thread.id(), thread.participants().get(1), "kept", null, at(SECOND)).value();

        inMarkDeleted(thread.id(), at(2 * SECOND));

        assertThat(inFindConversation(thread.id())).contains(new StoredConversation(
                withStatus(thread, ConversationStatus.DELETED), 1, 0, 1, at(SECOND), message));
        assertThat(inListMessages(thread.id(), null, true, 10)).containsExactly(message);
    }

    // ---- participants -------------------------------------------------------------------------

    @Test
    void addingAParticipantIsIdempotentWhileItIsActive() {
        String org = uid("org");
        String userId = uid("user");
        Participant staff = joined(ParticipantRef.serviceUser(uid("staff")), T0);
        Participant user = joined(ParticipantRef.businessUser(userId, org), T0);
        Conversation conversation = direct(org, T0, staff, user);
        create(conversation, null);
        String staffId2 = uid("staff");
        ParticipantId newId = ParticipantId.random();

        Stored<Participant> added = inAddParticipant(conversation.id(), newId,
                ParticipantRef.serviceUser(staffId2), at(SECOND));
        Stored<Participant> again = inAddParticipant(conversation.id(), ParticipantId.random(),
                ParticipantRef.serviceUser(staffId2), at(2 * SECOND));
        Stored<Participant> existingUser = inAddParticipant(conversation.id(), ParticipantId.random(),
                ParticipantRef.businessUser(userId, org), at(3 * SECOND));
        Stored<Participant> sameUserOtherOrg = inAddParticipant(conversation.id(), ParticipantId.random(),
                ParticipantRef.businessUser(userId, uid("org")), at(4 * SECOND));
        Stored<Participant> account = inAddParticipant(conversation.id(), ParticipantId.random(),
                ParticipantRef.businessAccount(org), at(5 * SECOND));

        Participant expected = new Participant(newId, ParticipantType.SERVICE, staffId2, null, at(SECOND), null);
        assertThat(added).isEqualTo(Stored.created(expected));
        assertThat(again).isEqualTo(Stored.existing(expected));
        assertThat(existingUser).isEqualTo(Stored.existing(user));
        assertThat(sameUserOtherOrg.created()).isTrue();
        assertThat(account.created()).isTrue();
        assertThat(inFindConversation(conversation.id()).orElseThrow().conversation().participants())
                .containsExactly(staff, user, expected, sameUserOtherOrg.value(), account.value());
    }

    @Test
    void addingAParticipantToAnUnknownConversationFails() {
        ConversationId unknown = ConversationId.random();

        assertThatThrownBy(() -> inAddParticipant(unknown, ParticipantId.random(),
                ParticipantRef.serviceUser(uid("staff")), T0)).isInstanceOf(RuntimeException.class);
        assertThat(inFindConversation(unknown)).isEmpty();
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void eightThreadsAddingTheSameParticipantAddItOnce() {
        String org = uid("org");
        Conversation conversation = direct(org, T0, joined(ParticipantRef.businessAccount(org), T0));
        create(conversation, null);
        ParticipantRef staff = ParticipantRef.serviceUser(uid("staff"));

        List<Stored<Participant>> results = Concurrently.run(8, i -> inAddParticipant(conversation.id(),
                ParticipantId.random(), staff, at(SECOND + i)));

        assertThat(results).filteredOn(s -> s.created()).hasSize(1);
        Participant winner = results.stream().filter(s -> s.created()).findFirst().orElseThrow().value();
        assertThat(results).extracting(Stored::value).containsOnly(winner);
        assertThat(inFindConversation(conversation.id()).orElseThrow().conversation().participants())
                .filteredOn(p -> p.is(staff)).containsExactly(winner);
    }

    @Test
    void removingAParticipantSetsLeftAtAndAddingItAgainCreatesANewOne() {
        String org = uid("org");
        Participant staff = joined(ParticipantRef.serviceUser(uid("staff")), T0);
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, staff, user);
        create(conversation, null);
        Participant elsewhere = joined(ParticipantRef.businessAccount(org), T0);
        Conversation other = direct(org, T0, elsewhere);
        create(other, null);

        Optional<Participant> removed = inRemoveParticipant(conversation.id(), user.id(), at(SECOND));

        Participant left = new Participant(user.id(), user.type(), user.userId(), user.organizationId(), T0,
                at(SECOND));
        assertThat(removed).contains(left);
        assertThat(inRemoveParticipant(conversation.id(), user.id(), at(2 * SECOND))).isEmpty();
        assertThat(inRemoveParticipant(conversation.id(), ParticipantId.random(), at(2 * SECOND)))
                .isEmpty();
        assertThat(inRemoveParticipant(conversation.id(), elsewhere.id(), at(2 * SECOND))).isEmpty();
        assertThat(inRemoveParticipant(ConversationId.random(), staff.id(), at(2 * SECOND))).isEmpty();
        assertThat(inFindConversation(other.id()).orElseThrow().conversation().participants())
                .containsExactly(elsewhere);

        Stored<Participant> readded = inAddParticipant(conversation.id(), ParticipantId.random(),
                ParticipantRef.businessUser(user.userId(), org), at(3 * SECOND));

        assertThat(readded.created()).isTrue();
        assertThat(readded.value().id()).isNotEqualTo(user.id());
        assertThat(readded.value().leftAt()).isNull();
        assertThat(inFindConversation(conversation.id()).orElseThrow().conversation().participants())
                .containsExactly(staff, left, readded.value());
    }

    // ---- messages -----------------------------------------------------------------------------

    @Test
    void appendingMessagesAllocatesGaplessSequencesAndUpdatesTheCounters() {
        String org = uid("org");
        Participant staff = joined(ParticipantRef.serviceUser(uid("staff")), T0);
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, staff, user);
        create(conversation, null);

        MessageId firstId = MessageId.random();
        Stored<Message> first = inAppendMessage(new NewStoredMessage(firstId, conversation.id(),
                staff.id(), ParticipantType.SERVICE, staff.userId(), "hello", "c-1", at(SECOND)));

        assertThat(first).isEqualTo(Stored.created(new Message(firstId, conversation.id(), 1, staff.id(),
                ParticipantType.SERVICE, staff.userId(), "hello", at(SECOND), null, "c-1")));
        assertThat(find(conversation.id()))
                .isEqualTo(new StoredConversation(conversation, 1, 1, 0, at(SECOND), first.value()));

        Message second = append(conversation.id(), user, "hi", null, at(2 * SECOND)).value();
        Message third = append(conversation.id(), user, "are you there?", null, at(3 * SECOND)).value();

        assertThat(second.sequence()).isEqualTo(2);
        assertThat(third.sequence()).isEqualTo(3);
        assertThat(second.clientMessageId()).isNull();
        assertThat(find(conversation.id()))
                .isEqualTo(new StoredConversation(conversation, 3, 1, 2, at(3 * SECOND), third));
    }

    @Test
    void aMessageKeepsItsAuthorWhenSentAsAnAccountParticipant() {
        String org = uid("org");
        Conversation thread = accountThread(org, T0);
        create(thread, "A:" + org);
        Participant platform = thread.participants().get(0);
        String staffUser = uid("staff");

        Message message = inAppendMessage(new NewStoredMessage(MessageId.random(), thread.id(),
                platform.id(), ParticipantType.SERVICE, staffUser, "We are on it", null, at(SECOND))).value();

        assertThat(message.senderId()).isEqualTo(platform.id());
        assertThat(message.authorUserId()).isEqualTo(staffUser);
        assertThat(inListMessages(thread.id(), null, true, 10)).containsExactly(message);
    }

    @Test
    void appendingToAnUnknownConversationFails() {
        ConversationId unknown = ConversationId.random();

        assertThatThrownBy(() -> inAppendMessage(new NewStoredMessage(MessageId.random(), unknown,
                ParticipantId.random(), ParticipantType.SERVICE, "someone", "lost", null, T0)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(inListMessages(unknown, null, true, 10)).isEmpty();
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void eightConcurrentWritersGetGaplessSequences() {
        String org = uid("org");
        Participant staff = joined(ParticipantRef.serviceUser(uid("staff")), T0);
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, staff, user);
        create(conversation, null);
        int perThread = 5;

        List<List<Stored<Message>>> results = Concurrently.run(8, i -> {
            Participant sender = i % 2 == 0 ? staff : user;
            List<Stored<Message>> mine = new ArrayList<>();
            for (int j = 0; j < perThread; j++) {
                mine.add(append(conversation.id(), sender, "thread " + i + " message " + j, null,
                        at(SECOND + i * 1000L + j)));
            }
            return mine;
        });

        assertThat(results).flatExtracting(r -> r).allMatch(s -> s.created());
        List<Message> appended = results.stream().flatMap(List::stream).map(Stored::value).toList();
        assertThat(appended).extracting(Message::sequence)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
        StoredConversation stored = find(conversation.id());
        assertThat(stored.messageCount()).isEqualTo(40);
        assertThat(stored.unreadFromService()).isEqualTo(20);
        assertThat(stored.unreadFromBusiness()).isEqualTo(20);
        assertThat(stored.lastMessage().sequence()).isEqualTo(40);
        // the writers' clocks interleave: activity is the latest time any of them wrote
        assertThat(stored.lastActivityAt()).isEqualTo(appended.stream().map(Message::createdAt)
                .max(Instant::compareTo).orElseThrow());
        List<Message> listed = inListMessages(conversation.id(), null, true, 100);
        assertThat(listed).extracting(Message::sequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(listed).containsExactlyInAnyOrderElementsOf(appended);
    }

    @Test
    void aRepeatedClientMessageIdReturnsTheFirstMessageAndStoresNothing() {
        String org = uid("org");
        Participant staff = joined(ParticipantRef.serviceUser(uid("staff")), T0);
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, staff, user);
        Conversation other = direct(org, T0, joined(ParticipantRef.businessAccount(org), T0));
        create(conversation, null);
        create(other, null);

        Message first = append(conversation.id(), user, "first", "client-1", at(SECOND)).value();
        Stored<Message> repeated = append(conversation.id(), user, "second", "client-1", at(2 * SECOND));
        Stored<Message> fromTheOtherSide = append(conversation.id(), staff, "third", "client-1", at(3 * SECOND));

        assertThat(repeated).isEqualTo(Stored.existing(first));
        assertThat(fromTheOtherSide).isEqualTo(Stored.existing(first));
        assertThat(find(conversation.id()))
                .isEqualTo(new StoredConversation(conversation, 1, 0, 1, at(SECOND), first));

        Participant account = other.participants().get(0);
        assertThat(append(other.id(), account, "elsewhere", "client-1", at(SECOND)).created()).isTrue();
        assertThat(append(conversation.id(), user, "case differs", "CLIENT-1", at(4 * SECOND)).created()).isTrue();
        assertThat(append(conversation.id(), user, "no id", null, at(5 * SECOND)).created()).isTrue();
        assertThat(append(conversation.id(), user, "no id", null, at(6 * SECOND)).created()).isTrue();
        assertThat(find(conversation.id()).messageCount()).isEqualTo(4);

        inMarkRead(conversation.id(), ParticipantType.BUSINESS, at(7 * SECOND));
        Stored<Message> afterRead = append(conversation.id(), user, "again", "client-1", at(8 * SECOND));

        assertThat(afterRead.created()).isFalse();
        assertThat(afterRead.value()).isEqualTo(inListMessages(conversation.id(), null, true, 1).get(0));
        assertThat(afterRead.value().readAt()).isEqualTo(at(7 * SECOND));
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void eightThreadsPostingTheSameClientMessageIdStoreOneMessage() {
        String org = uid("org");
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, user);
        create(conversation, null);

        List<Stored<Message>> results = Concurrently.run(8, i -> append(conversation.id(), user, "attempt " + i,
                "retry-key", at(SECOND + i)));

        assertThat(results).filteredOn(s -> s.created()).hasSize(1);
        Message winner = results.stream().filter(s -> s.created()).findFirst().orElseThrow().value();
        assertThat(results).extracting(Stored::value).containsOnly(winner);
        assertThat(winner.sequence()).isEqualTo(1);
        StoredConversation stored = find(conversation.id());
        assertThat(stored.messageCount()).isEqualTo(1);
        assertThat(stored.unreadFromBusiness()).isEqualTo(1);
        assertThat(inListMessages(conversation.id(), null, true, 10)).containsExactly(winner);
    }

    @Test
    void listingMessagesWalksSequencesFromTheBoundInEitherDirection() {
        String org = uid("org");
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, user);
        create(conversation, null);
        List<Message> all = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            all.add(append(conversation.id(), user, "m" + i, null, at(i * SECOND)).value());
        }
        ConversationId id = conversation.id();

        assertThat(messages(id, null, true, 3)).containsExactly(all.get(0), all.get(1), all.get(2));
        assertThat(messages(id, 3L, true, 3)).containsExactly(all.get(3), all.get(4), all.get(5));
        assertThat(messages(id, 6L, true, 3)).containsExactly(all.get(6));
        assertThat(messages(id, 7L, true, 3)).isEmpty();
        assertThat(messages(id, 100L, true, 3)).isEmpty();
        assertThat(messages(id, 0L, true, 2)).containsExactly(all.get(0), all.get(1));
        assertThat(messages(id, null, true, 100)).containsExactlyElementsOf(all);

        assertThat(messages(id, null, false, 3)).containsExactly(all.get(6), all.get(5), all.get(4));
        assertThat(messages(id, 5L, false, 3)).containsExactly(all.get(3), all.get(2), all.get(1));
        assertThat(messages(id, 2L, false, 3)).containsExactly(all.get(0));
        assertThat(messages(id, 1L, false, 3)).isEmpty();
        assertThat(messages(id, 100L, false, 2)).containsExactly(all.get(6), all.get(5));
        assertThat(messages(id, null, false, 100)).hasSize(7).first().isEqualTo(all.get(6));
    }

    @Test
    void listingMessagesOfAConversationWithoutMessagesReturnsNothing() {
        String org = uid("org");
        Conversation conversation = direct(org, T0, joined(ParticipantRef.businessAccount(org), T0));
        create(conversation, null);

        assertThat(messages(conversation.id(), null, true, 10)).isEmpty();
        assertThat(messages(conversation.id(), null, false, 10)).isEmpty();
    }

    @Test
    void markingReadSetsReadAtOnTheOtherSidesUnreadMessagesAndLowersOnlyThatCounter() {
        String org = uid("org");
        Participant staff = joined(ParticipantRef.serviceUser(uid("staff")), T0);
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, staff, user);
        create(conversation, null);
        append(conversation.id(), staff, "s1", null, at(SECOND));
        append(conversation.id(), user, "b1", null, at(2 * SECOND));
        append(conversation.id(), staff, "s2", null, at(3 * SECOND));
        append(conversation.id(), user, "b2", null, at(4 * SECOND));
        append(conversation.id(), user, "b3", null, at(5 * SECOND));

        int marked = inMarkRead(conversation.id(), ParticipantType.BUSINESS, at(6 * SECOND));

        assertThat(marked).isEqualTo(3);
        StoredConversation afterFirst = find(conversation.id());
        assertThat(afterFirst.unreadFromBusiness()).isZero();
        assertThat(afterFirst.unreadFromService()).isEqualTo(2);
        assertThat(afterFirst.messageCount()).isEqualTo(5);
        assertThat(afterFirst.lastActivityAt()).isEqualTo(at(5 * SECOND));
        assertThat(afterFirst.lastMessage().readAt()).isEqualTo(at(6 * SECOND));
        assertThat(messages(conversation.id(), null, true, 10))
                .extracting(Message::body, Message::readAt)
                .containsExactly(
                        Tuple.tuple("s1", null),
                        Tuple.tuple("b1", at(6 * SECOND)),
                        Tuple.tuple("s2", null),
                        Tuple.tuple("b2", at(6 * SECOND)),
                        Tuple.tuple("b3", at(6 * SECOND)));

        assertThat(inMarkRead(conversation.id(), ParticipantType.BUSINESS, at(7 * SECOND))).isZero();
        append(conversation.id(), user, "b4", null, at(8 * SECOND));
        assertThat(find(conversation.id()).unreadFromBusiness()).isEqualTo(1);
        assertThat(inMarkRead(conversation.id(), ParticipantType.BUSINESS, at(9 * SECOND))).isEqualTo(1);
        assertThat(inMarkRead(conversation.id(), ParticipantType.SERVICE, at(10 * SECOND))).isEqualTo(2);

        StoredConversation afterAll = find(conversation.id());
        assertThat(afterAll.unreadFromBusiness()).isZero();
        assertThat(afterAll.unreadFromService()).isZero();
        assertThat(messages(conversation.id(), null, true, 10))
                .extracting(Message::body, Message::readAt)
                .containsExactly(
                        Tuple.tuple("s1", at(10 * SECOND)),
                        Tuple.tuple("b1", at(6 * SECOND)),
                        Tuple.tuple("s2", at(10 * SECOND)),
                        Tuple.tuple("b2", at(6 * SECOND)),
                        Tuple.tuple("b3", at(6 * SECOND)),
                        Tuple.tuple("b4", at(9 * SECOND)));
    }

    // ---- listing conversations ----------------------------------------------------------------

    @Test
    void conversationsAreListedNewestActivityFirstWithTiesBrokenByIdStringDescending() {
        String org = uid("org");
        Conversation c1 = direct(org, at(SECOND), joined(ParticipantRef.businessAccount(org), at(SECOND)));
        Conversation c2 = direct(org, at(2 * SECOND), joined(ParticipantRef.businessAccount(org), at(2 * SECOND)));
        // Equal activity; as strings "8…" sorts above "7…", although as a signed UUID it sorts below.
        Conversation tieLow = withId(direct(org, at(3 * SECOND),
                joined(ParticipantRef.businessAccount(org), at(3 * SECOND))), new ConversationId(uuid('7')));
        Conversation tieHigh = withId(direct(org, at(3 * SECOND),
                joined(ParticipantRef.businessAccount(org), at(3 * SECOND))), new ConversationId(uuid('8')));
        Conversation c5 = direct(org, at(4 * SECOND), joined(ParticipantRef.businessAccount(org), at(4 * SECOND)));
        for (Conversation c : List.of(tieLow, c1, c5, tieHigh, c2)) {
            create(c, null);
        }
        ConversationQuery query = staff(ConversationFilter.all().withParticipantId(org));
        List<ConversationId> expected = ids(c5, tieHigh, tieLow, c2, c1);

        assertThat(list(query, null, true, 10)).containsExactlyElementsOf(expected);
        assertThat(list(query, null, true, 2)).containsExactly(c5.id(), tieHigh.id());
        assertThat(list(query, keyOf(tieHigh), true, 2)).containsExactly(tieLow.id(), c2.id());
        assertThat(list(query, keyOf(c2), true, 2)).containsExactly(c1.id());
        assertThat(list(query, keyOf(c1), true, 2)).isEmpty();

        assertThat(list(query, null, false, 2)).containsExactly(c1.id(), c2.id());
        assertThat(list(query, keyOf(c2), false, 2)).containsExactly(tieLow.id(), tieHigh.id());
        assertThat(list(query, keyOf(tieHigh), false, 2)).containsExactly(c5.id());
        assertThat(list(query, keyOf(c5), false, 2)).isEmpty();

        // A bound need not be a listed row: here it sits between c5 and the tie.
        ConversationKey between = new ConversationKey(at(3 * SECOND + 1), ConversationId.random());
        assertThat(list(query, between, true, 10)).containsExactly(tieHigh.id(), tieLow.id(), c2.id(), c1.id());
        assertThat(list(query, between, false, 10)).containsExactly(c5.id());
        assertThat(count(query)).isEqualTo(5);
    }

    @Test
    void aNewMessageMovesItsConversationToTheTopOfTheList() {
        String org = uid("org");
        Participant account = joined(ParticipantRef.businessAccount(org), T0);
        Conversation older = direct(org, at(SECOND), account);
        Conversation newer = direct(org, at(2 * SECOND), joined(ParticipantRef.businessAccount(org), T0));
        create(older, null);
        create(newer, null);
        ConversationQuery query = staff(ConversationFilter.all().withParticipantId(org));
        assertThat(list(query, null, true, 10)).containsExactly(newer.id(), older.id());

        Message message = append(older.id(), account, "bump", null, at(3 * SECOND)).value();

        List<StoredConversation> listed = inListConversations(query, null, true, 10);
        assertThat(listed).extracting(c -> c.conversation().id()).containsExactly(older.id(), newer.id());
        assertThat(listed.get(0)).isEqualTo(new StoredConversation(older, 1, 0, 1, at(3 * SECOND), message));
        assertThat(listed.get(1)).isEqualTo(new StoredConversation(newer, 0, 0, 0, at(2 * SECOND), null));
    }

    @Test
    void listingFiltersByParticipantIdMatchingUserIdOrOrganizationIdAndByType() {
        String org = uid("org");
        String user = uid("user");
        String otherUser = uid("user");
        String staffUser = uid("staff");
        Conversation withUser = direct(org, at(4 * SECOND), joined(ParticipantRef.businessUser(user, org), T0),
                joined(ParticipantRef.serviceUser(staffUser), T0));
        Conversation thread = accountThread(org, at(3 * SECOND));
        Conversation withOtherUser = direct(null, at(2 * SECOND),
                joined(ParticipantRef.businessUser(otherUser, null), T0),
                joined(ParticipantRef.serviceUser(staffUser), T0));
        Participant removedUser = joined(ParticipantRef.businessUser(user, org), T0);
        Conversation userRemoved = direct(org, at(SECOND), removedUser,
                joined(ParticipantRef.serviceUser(uid("staff")), T0));
        create(withUser, null);
        create(thread, "A:" + org);
        create(withOtherUser, null);
        create(userRemoved, null);
        inRemoveParticipant(userRemoved.id(), removedUser.id(), at(SECOND));

        assertListed(staff(ConversationFilter.all().withParticipantId(user)), withUser);
        assertListed(staff(ConversationFilter.all().withParticipantId(org)), withUser, thread);
        assertListed(staff(ConversationFilter.all().withParticipantId(staffUser)), withUser, withOtherUser);
        assertListed(staff(ConversationFilter.all().withParticipantId(staffUser)
                .withParticipantType(ParticipantType.SERVICE)), withUser, withOtherUser);
        assertListed(staff(ConversationFilter.all().withParticipantId(staffUser)
                .withParticipantType(ParticipantType.BUSINESS)));
        assertListed(staff(ConversationFilter.all().withParticipantId(org)
                .withParticipantType(ParticipantType.BUSINESS)), withUser, thread);
        assertListed(staff(ConversationFilter.all().withParticipantId(org)
                .withParticipantType(ParticipantType.SERVICE)));
        assertListed(staff(ConversationFilter.all().withParticipantId(otherUser)
                .withParticipantType(ParticipantType.BUSINESS)), withOtherUser);
        assertListed(staff(ConversationFilter.all().withParticipantId(user.toUpperCase())));
        assertListed(staff(ConversationFilter.all().withParticipantId(uid("nobody"))));
    }

    @Test
    void listingFiltersByTransactionKindAndDeletion() {
        String transactionId = uid("tx");
        String org = uid("org");
        TicketId ticketId = inFindOrCreateTicket(TicketId.random(), transactionId, Map.of(), T0)
                .value().id();
        Conversation live = transactionChat(ticketId, transactionId, org, at(3 * SECOND));
        Conversation deleted = transactionChat(ticketId, transactionId, org, at(2 * SECOND));
        Conversation direct = direct(org, at(SECOND), joined(ParticipantRef.businessUser(uid("user"), org), T0));
        create(live, liveKey(transactionId, live));
        create(deleted, liveKey(transactionId, deleted));
        create(direct, null);
        inMarkDeleted(deleted.id(), at(4 * SECOND));
        Conversation deletedNow = withStatus(deleted, ConversationStatus.DELETED);

        ConversationFilter byTransaction = ConversationFilter.all().withTransactionId(transactionId);
        ConversationFilter byOrg = ConversationFilter.all().withParticipantId(org);
        assertListed(staff(byTransaction), live);
        assertListed(staff(byTransaction.includingDeleted()), live, deletedNow);
        assertListed(staff(byTransaction.withParticipantType(ParticipantType.BUSINESS)), live);
        assertListed(staff(byTransaction.withParticipantType(ParticipantType.SERVICE)));
        assertListed(staff(byTransaction.withKind(ConversationKind.DIRECT)));
        assertListed(staff(byOrg), live, direct);
        assertListed(staff(byOrg.includingDeleted()), live, deletedNow, direct);
        assertListed(staff(byOrg.withKind(ConversationKind.TRANSACTION)), live);
        assertListed(staff(byOrg.withKind(ConversationKind.TRANSACTION).includingDeleted()), live, deletedNow);
        assertListed(staff(byOrg.withKind(ConversationKind.DIRECT)), direct);
        assertListed(staff(byOrg.withKind(ConversationKind.ACCOUNT)));
        assertListed(staff(ConversationFilter.all().withTransactionId(transactionId.toUpperCase())));
    }

    @Test
    void aMemberScopeAdmitsOnlyTheUsersOwnAndItsOrganizationsConversations() {
        String org = uid("org");
        String user = "user-" + UUID.randomUUID() + "-e";
        Conversation asUserOfOrg = direct(org, at(7 * SECOND), joined(ParticipantRef.businessUser(user, org), T0),
                joined(ParticipantRef.serviceUser(uid("staff")), T0));
        Conversation asUserWithoutOrg = direct(null, at(6 * SECOND),
                joined(ParticipantRef.businessUser(user, null), T0));
        Conversation orgAccount = accountThread(org, at(5 * SECOND));
        Conversation sameUserIdOtherOrg = direct(uid("org"), at(4 * SECOND),
                joined(ParticipantRef.businessUser(user, uid("org")), T0));
        Participant leaving = joined(ParticipantRef.businessUser(user, org), T0);
        Conversation removed = direct(org, at(3 * SECOND), leaving);
        Conversation staffWithThatId = direct(null, at(2 * SECOND), joined(ParticipantRef.serviceUser(user), T0));
        Conversation lookalikes = direct(org, at(SECOND),
                joined(ParticipantRef.businessUser(user.toUpperCase(), org), T0),
                joined(ParticipantRef.businessUser(user.substring(0, user.length() - 1) + "é", org), T0));
        for (Conversation c : List.of(asUserOfOrg, asUserWithoutOrg, orgAccount, sameUserIdOtherOrg, removed,
                staffWithThatId, lookalikes)) {
            create(c, c.kind() == ConversationKind.ACCOUNT ? "A:" + org : null);
        }
        inRemoveParticipant(removed.id(), leaving.id(), at(SECOND));

        // a user is its user id and its organization: the same id without one is another person
        assertListed(new ConversationQuery(ConversationFilter.all(), new MemberScope(user, org)),
                asUserOfOrg, orgAccount);
        // Without an organization, only conversations naming the user without one are visible.
        assertListed(new ConversationQuery(ConversationFilter.all(), new MemberScope(user, null)),
                asUserWithoutOrg);
        assertListed(new ConversationQuery(ConversationFilter.all().withKind(ConversationKind.ACCOUNT),
                new MemberScope(user, org)), orgAccount);
        assertListed(new ConversationQuery(ConversationFilter.all().withParticipantType(ParticipantType.SERVICE),
                new MemberScope(user, org)), asUserOfOrg, orgAccount);
        // Deleted conversations stay invisible to the member unless the filter asks for them.
        inMarkDeleted(asUserWithoutOrg.id(), at(8 * SECOND));
        assertListed(new ConversationQuery(ConversationFilter.all(), new MemberScope(user, null)));
        assertListed(new ConversationQuery(ConversationFilter.all(), new MemberScope(uid("user"), org)),
                orgAccount);
    }

    @Test
    void countingMatchesListingForEveryKindOfQuery() {
        String org = uid("org");
        String user = uid("user");
        for (int i = 0; i < 5; i++) {
            create(direct(org, at(i * SECOND), joined(ParticipantRef.businessUser(user, org), T0)), null);
        }
        Conversation thread = accountThread(org, at(10 * SECOND));
        create(thread, "A:" + org);
        inMarkDeleted(thread.id(), at(11 * SECOND));

        assertThat(count(staff(ConversationFilter.all().withParticipantId(org)))).isEqualTo(5);
        assertThat(count(staff(ConversationFilter.all().withParticipantId(org).includingDeleted()))).isEqualTo(6);
        assertThat(count(staff(ConversationFilter.all().withParticipantId(user)))).isEqualTo(5);
        assertThat(count(new ConversationQuery(ConversationFilter.all(), new MemberScope(user, org)))).isEqualTo(5);
        assertThat(count(new ConversationQuery(ConversationFilter.all().includingDeleted(),
                new MemberScope(user, org)))).isEqualTo(6);
        assertThat(count(staff(ConversationFilter.all().withParticipantId(uid("nobody"))))).isZero();
    }

    // ---- atomicity ----------------------------------------------------------------------------

    @Test
    void aUnitOfWorkThatThrowsLeavesNothingBehind() {
        String transactionId = uid("tx");
        String org = uid("org");
        TicketId ticketId = TicketId.random();
        Conversation conversation = transactionChat(ticketId, transactionId, org, T0);
        String key = liveKey(transactionId, conversation);
        Participant user = conversation.participants().get(0);
        RuntimeException failure = new IllegalStateException("host failure after writing");

        assertThatThrownBy(() -> tx(t -> {
            t.findOrCreateTicket(ticketId, transactionId, Map.of("k", "v"), T0);
            t.createConversation(new NewConversation(conversation, key));
            t.addParticipant(conversation.id(), ParticipantId.random(), ParticipantRef.serviceUser(uid("s")), T0);
            t.appendMessage(new NewStoredMessage(MessageId.random(), conversation.id(), user.id(), user.type(),
                    user.userId(), "never stored", "client-x", at(SECOND)));
            throw failure;
        })).isSameAs(failure);

        assertThat(inFindTicket(transactionId)).isEmpty();
        assertThat(inFindConversation(conversation.id())).isEmpty();
        assertThat(inFindLiveConversation(key)).isEmpty();
        assertThat(messages(conversation.id(), null, true, 10)).isEmpty();
        assertThat(count(staff(ConversationFilter.all().withParticipantId(org).includingDeleted()))).isZero();
        assertThat(list(staff(ConversationFilter.all().withTransactionId(transactionId).includingDeleted()),
                null, true, 10)).isEmpty();

        // Nothing is left holding the unique keys either.
        assertThat(inFindOrCreateTicket(ticketId, transactionId, Map.of(), T0).created()).isTrue();
        assertThat(inCreateConversation(new NewConversation(conversation, key)).created()).isTrue();
        assertThat(append(conversation.id(), user, "stored", "client-x", at(SECOND)).value().sequence())
                .isEqualTo(1);
    }

    @Test
    void aUnitOfWorkThatThrowsUndoesItsChangesToExistingRows() {
        String org = uid("org");
        String key = "A:" + org;
        Conversation thread = accountThread(org, T0);
        create(thread, key);
        Participant platform = thread.participants().get(0);
        Participant account = thread.participants().get(1);
        append(thread.id(), account, "before", "c-1", at(SECOND));
        String ticketTransaction = uid("tx");
        StoredConversation before = find(thread.id());
        List<Message> messagesBefore = messages(thread.id(), null, true, 10);
        RuntimeException failure = new RuntimeException("boom");

        assertThatThrownBy(() -> tx(t -> {
            t.appendMessage(new NewStoredMessage(MessageId.random(), thread.id(), platform.id(),
                    ParticipantType.SERVICE, "staff", "undone", "c-2", at(2 * SECOND)));
            t.markRead(thread.id(), ParticipantType.BUSINESS, at(3 * SECOND));
            t.addParticipant(thread.id(), ParticipantId.random(), ParticipantRef.serviceUser(uid("s")), at(3 * SECOND));
            t.removeParticipant(thread.id(), account.id(), at(3 * SECOND));
            t.markDeleted(thread.id(), at(4 * SECOND));
            t.createConversation(new NewConversation(accountThread(org, at(5 * SECOND)), key));
            t.findOrCreateTicket(TicketId.random(), ticketTransaction, Map.of(), T0);
            throw failure;
        })).isSameAs(failure);

        assertThat(find(thread.id())).isEqualTo(before);
        assertThat(messages(thread.id(), null, true, 10)).isEqualTo(messagesBefore);
        assertThat(inFindLiveConversation(key).map(c -> c.conversation().id())).contains(thread.id());
        assertThat(inFindTicket(ticketTransaction)).isEmpty();
        assertThat(count(staff(ConversationFilter.all().withParticipantId(org).includingDeleted()))).isEqualTo(1);
        // The rolled back message did not burn a sequence number or its client id.
        Stored<Message> next = append(thread.id(), platform, "after", "c-2", at(6 * SECOND));
        assertThat(next.created()).isTrue();
        assertThat(next.value().sequence()).isEqualTo(2);
    }

    @Test
    void aUnitOfWorkReturnsWhatTheWorkReturned() {
        Object result = new Object();

        assertThat(store.<Object>inTransaction(t -> result)).isSameAs(result);
        assertThat(store.<Object>inTransaction(t -> null)).isNull();
    }

    // ---- exact round trips --------------------------------------------------------------------

    @Test
    void instantsRoundTripExactlyToTheMicrosecond() {
        String transactionId = uid("tx");
        String org = uid("org");
        Instant ticketAt = Instant.parse("2026-03-04T05:06:07.123456Z");
        Instant createdAt = Instant.parse("2026-03-29T01:30:00.000001Z");    // a DST gap in Europe
        Instant joinedAt = Instant.parse("2026-03-29T02:30:00.000010Z");
        Instant firstAt = Instant.parse("2026-10-25T00:30:00.999999Z");      // the same local time as …
        Instant secondAt = Instant.parse("2026-10-25T01:30:00.500000Z");     // … this one in Central Europe
        Instant readAt = Instant.parse("2026-12-31T23:59:59Z");
        Instant leftAt = Instant.parse("2027-01-01T00:00:00.000001Z");
        TicketId ticketId = inFindOrCreateTicket(TicketId.random(), transactionId, Map.of(), ticketAt)
                .value().id();
        Conversation conversation = transactionChat(ticketId, transactionId, org, createdAt);
        create(conversation, liveKey(transactionId, conversation));
        Participant staff = inAddParticipant(conversation.id(), ParticipantId.random(),
                ParticipantRef.serviceUser(uid("staff")), joinedAt).value();
        Participant user = conversation.participants().get(0);
        append(conversation.id(), user, "first", null, firstAt);
        append(conversation.id(), staff, "second", null, secondAt);
        inMarkRead(conversation.id(), ParticipantType.BUSINESS, readAt);
        inRemoveParticipant(conversation.id(), staff.id(), leftAt);

        TransactionTicket ticket = inFindTicket(transactionId).orElseThrow();
        assertThat(ticket.createdAt()).isEqualTo(ticketAt);
        StoredConversation stored = find(conversation.id());
        assertThat(stored.conversation().createdAt()).isEqualTo(createdAt);
        assertThat(stored.conversation().participants()).extracting(Participant::joinedAt)
                .containsExactly(createdAt, joinedAt);
        assertThat(stored.conversation().participants()).extracting(Participant::leftAt)
                .containsExactly(null, leftAt);
        assertThat(stored.lastActivityAt()).isEqualTo(secondAt);
        assertThat(messages(conversation.id(), null, true, 10)).extracting(Message::createdAt, Message::readAt)
                .containsExactly(Tuple.tuple(firstAt, readAt),
                        Tuple.tuple(secondAt, null));
        // The list key must be exact too, or cursors built from it would skip or repeat rows.
        ConversationQuery query = staff(ConversationFilter.all().withParticipantId(org));
        assertThat(inListConversations(query, null, true, 10)).extracting(StoredConversation::key)
                .containsExactly(new ConversationKey(secondAt, conversation.id()));
        assertThat(list(query, stored.key(), true, 10)).isEmpty();
        assertThat(list(query, stored.key(), false, 10)).isEmpty();
    }

    @Test
    void unicodeAndSqlMetacharactersRoundTripExactly() {
        String org = uid("組織-'; --");
        String user = uid("ユーザー\"\\");
        String subject = "😀".repeat(100) + "ü".repeat(100);
        Participant sender = joined(ParticipantRef.businessUser(user, org), T0);
        Conversation conversation = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null,
                org, subject, ConversationStatus.OPEN, T0, List.of(sender));
        create(conversation, "T:9:'; --%_\\:" + user);
        List<String> bodies = List.of(
                "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flag 🇪🇺",
                "مرحبا بالعالم — שלום עולם",
                "line one\nline two\tafter a tab",
                "'; DROP TABLE x; --",
                "\\ backslash % percent _ underscore \" quote ` backtick $1 ? :name",
                "𝕏 mathematical, 𠜎 CJK extension B",
                "e\u0301 combining and \u00e9 precomposed stay distinct",
                "  leading and trailing spaces  ",
                "😀".repeat(4000),
                "😀".repeat(1000) + "é".repeat(1000) + "中".repeat(1000) + "a".repeat(1000));
        List<Message> appended = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            Message message = append(conversation.id(), sender, bodies.get(i), "idempotency-😀-" + i,
                    at((i + 1) * SECOND)).value();
            assertThat(message.body()).isEqualTo(bodies.get(i));
            appended.add(message);
        }

        assertThat(messages(conversation.id(), null, true, 100)).extracting(Message::body)
                .containsExactlyElementsOf(bodies);
        assertThat(messages(conversation.id(), null, true, 100)).extracting(Message::clientMessageId)
                .allMatch(id -> id.startsWith("idempotency-😀-"));
        assertThat(find(conversation.id()).lastMessage().body()).isEqualTo(bodies.get(bodies.size() - 1));
        assertThat(find(conversation.id()).conversation()).isEqualTo(conversation);
        assertThat(inFindLiveConversation("T:9:'; --%_\\:" + user)).isPresent();
        assertThat(append(conversation.id(), sender, "dup", "idempotency-😀-3", at(99 * SECOND)))
                .isEqualTo(Stored.existing(appended.get(3)));
        assertListed(staff(ConversationFilter.all().withParticipantId(user)), conversation);
        assertListed(staff(ConversationFilter.all().withParticipantId(org)), conversation);
        assertListed(new ConversationQuery(ConversationFilter.all(), new MemberScope(user, org)), conversation);
    }

    @Test
    void idsCompareExactlyIgnoringNeitherCaseNorAccents() {
        String transactionId = "tx-" + UUID.randomUUID() + "-e";
        List<String> lookalikes = List.of(transactionId, transactionId.toUpperCase(),
                transactionId.substring(0, transactionId.length() - 1) + "é");

        for (String id : lookalikes) {
            assertThat(inFindOrCreateTicket(TicketId.random(), id, Map.of(), T0).created())
                    .as("ticket for %s", id).isTrue();
        }
        for (String id : lookalikes) {
            assertThat(inFindTicket(id).map(TransactionTicket::transactionId)).contains(id);
        }
    }

    // ---- activity and secrets --------------------------------------------------------------------

    @Test
    void aMessageWithAnEarlierTimeNeverMovesTheConversationsActivityBack() {
        String org = uid("org");
        Participant user = joined(ParticipantRef.businessUser(uid("user"), org), T0);
        Conversation conversation = direct(org, T0, user);
        create(conversation, null);
        append(conversation.id(), user, "late clock first", null, at(10 * SECOND));

        append(conversation.id(), user, "from a node whose clock lags", null, at(3 * SECOND));

        StoredConversation stored = find(conversation.id());
        assertThat(stored.lastActivityAt()).isEqualTo(at(10 * SECOND));
        assertThat(stored.messageCount()).isEqualTo(2);
        assertThat(stored.lastMessage().body()).isEqualTo("from a node whose clock lags");
    }

    @Test
    @Timeout(value = 3 * WAIT_SECONDS, unit = TimeUnit.SECONDS)
    void sixteenThreadsOfferingDifferentSecretsAllGetTheOneStoredFirst() {
        String name = uid("secret");

        List<byte[]> results = Concurrently.run(16, i -> store.inTransaction(
                t -> t.findOrCreateSecret(name, ("candidate-" + i + "-0123456789").getBytes(StandardCharsets.UTF_8))));

        byte[] winner = results.get(0);
        assertThat(new String(winner, StandardCharsets.UTF_8)).startsWith("candidate-");
        assertThat(results).allSatisfy(secret -> assertThat(secret).isEqualTo(winner));
        byte[] later = store.inTransaction(t -> t.findOrCreateSecret(name, new byte[] {1, 2, 3}));
        assertThat(later).isEqualTo(winner);
    }

    @Test
    void aSecretStoredByAUnitOfWorkThatFailsIsNotKept() {
        String name = uid("secret");
        assertThatThrownBy(() -> store.inTransaction(t -> {
            t.findOrCreateSecret(name, "discarded-0123456789".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("rolled back");
        })).isInstanceOf(IllegalStateException.class);

        byte[] kept = store.inTransaction(t -> t.findOrCreateSecret(name,
                "kept-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));

        assertThat(new String(kept, StandardCharsets.UTF_8)).isEqualTo("kept-0123456789abcdef");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private <T> T tx(Function<ChatStoreTransaction, T> work) {
        return store.inTransaction(work);
    }

    // Typed wrappers: a generic tx(..) inside an overloaded assertThat(..) does not compile.

    private Stored<TransactionTicket> inFindOrCreateTicket(TicketId id, String transactionId,
                                                           Map<String, String> details, Instant createdAt) {
        return store.inTransaction(t -> t.findOrCreateTicket(id, transactionId, details, createdAt));
    }

    private Optional<TransactionTicket> inFindTicket(String transactionId) {
        return store.inTransaction(t -> t.findTicket(transactionId));
    }

    private Stored<StoredConversation> inCreateConversation(NewConversation conversation) {
        return store.inTransaction(t -> t.createConversation(conversation));
    }

    private Optional<StoredConversation> inFindConversation(ConversationId id) {
        return store.inTransaction(t -> t.findConversation(id));
    }

    private Optional<StoredConversation> inLockConversation(ConversationId id) {
        return store.inTransaction(t -> t.lockConversation(id));
    }

    private Optional<StoredConversation> inFindLiveConversation(String liveKey) {
        return store.inTransaction(t -> t.findLiveConversation(liveKey));
    }

    private boolean inMarkDeleted(ConversationId id, Instant at) {
        return store.inTransaction(t -> t.markDeleted(id, at));
    }

    private List<StoredConversation> inListConversations(ConversationQuery query, ConversationKey bound,
                                                         boolean forward, int limit) {
        return store.inTransaction(t -> t.listConversations(query, bound, forward, limit));
    }

    private long inCountConversations(ConversationQuery query) {
        return store.inTransaction(t -> t.countConversations(query));
    }

    private Stored<Participant> inAddParticipant(ConversationId id, ParticipantId participantId, ParticipantRef who,
                                                 Instant at) {
        return store.inTransaction(t -> t.addParticipant(id, participantId, who, at));
    }

    private Optional<Participant> inRemoveParticipant(ConversationId id, ParticipantId participantId, Instant at) {
        return store.inTransaction(t -> t.removeParticipant(id, participantId, at));
    }

    private Stored<Message> inAppendMessage(NewStoredMessage message) {
        return store.inTransaction(t -> t.appendMessage(message));
    }

    private List<Message> inListMessages(ConversationId id, Long bound, boolean forward, int limit) {
        return store.inTransaction(t -> t.listMessages(id, bound, forward, limit));
    }

    private int inMarkRead(ConversationId id, ParticipantType sentBy, Instant at) {
        return store.inTransaction(t -> t.markRead(id, sentBy, at));
    }

    private static Instant at(long microsAfterT0) {
        return T0.plus(microsAfterT0, ChronoUnit.MICROS);
    }

    private static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A random UUID whose canonical string starts with {@code hexDigit}. */
    private static UUID uuid(char hexDigit) {
        UUID random = UUID.randomUUID();
        long high = (random.getMostSignificantBits() & 0x0FFF_FFFF_FFFF_FFFFL)
                | ((long) Character.digit(hexDigit, 16) << 60);
        return new UUID(high, random.getLeastSignificantBits());
    }

    private static ParticipantId id(char hexDigit) {
        return new ParticipantId(uuid(hexDigit));
    }

    private static Participant joined(ParticipantRef ref, Instant at) {
        return joined(ParticipantId.random(), ref, at);
    }

    private static Participant joined(ParticipantId id, ParticipantRef ref, Instant at) {
        return new Participant(id, ref.type(), ref.userId(), ref.organizationId(), at, null);
    }

    private static Conversation direct(String org, Instant createdAt, Participant... participants) {
        return new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null, org, "subject",
                ConversationStatus.OPEN, createdAt, List.of(participants));
    }

    private static Conversation accountThread(String org, Instant createdAt) {
        return new Conversation(ConversationId.random(), ConversationKind.ACCOUNT, null, null, org, null,
                ConversationStatus.OPEN, createdAt,
                List.of(joined(ParticipantRef.platform(), createdAt),
                        joined(ParticipantRef.businessAccount(org), createdAt)));
    }

    /** A transaction chat with a fresh business user of {@code org}, its first participant. */
    private static Conversation transactionChat(TicketId ticketId, String transactionId, String org,
                                                Instant createdAt) {
        return new Conversation(ConversationId.random(), ConversationKind.TRANSACTION, ticketId, transactionId, org,
                "Transaction " + transactionId, ConversationStatus.OPEN, createdAt,
                List.of(joined(ParticipantRef.businessUser(uid("user"), org), createdAt)));
    }

    private static String liveKey(String transactionId, Conversation transactionChat) {
        return "T:" + transactionId.length() + ":" + transactionId + ":"
                + transactionChat.participants().get(0).userId();
    }

    private static Conversation withStatus(Conversation c, ConversationStatus status) {
        return new Conversation(c.id(), c.kind(), c.ticketId(), c.transactionId(), c.organizationId(), c.subject(),
                status, c.createdAt(), c.participants());
    }

    private static Conversation withId(Conversation c, ConversationId id) {
        return new Conversation(id, c.kind(), c.ticketId(), c.transactionId(), c.organizationId(), c.subject(),
                c.status(), c.createdAt(), c.participants());
    }

    private static ConversationKey keyOf(Conversation c) {
        return new ConversationKey(c.createdAt(), c.id());
    }

    private static ConversationQuery staff(ConversationFilter filter) {
        return new ConversationQuery(filter, null);
    }

    private static List<ConversationId> ids(Conversation... conversations) {
        return Arrays.stream(conversations).map(Conversation::id).toList();
    }

    private void create(Conversation conversation, String liveKey) {
        Stored<StoredConversation> result = inCreateConversation(new NewConversation(conversation, liveKey));
        assertThat(result.created()).as("created %s", conversation.id()).isTrue();
    }

    private StoredConversation find(ConversationId id) {
        return inFindConversation(id).orElseThrow();
    }

    private Stored<Message> append(ConversationId conversationId, Participant sender, String body,
                                   String clientMessageId, Instant at) {
        String author = sender.userId() != null ? sender.userId() : uid("author");
        return inAppendMessage(new NewStoredMessage(MessageId.random(), conversationId, sender.id(),
                sender.type(), author, body, clientMessageId, at));
    }

    private List<Message> messages(ConversationId id, Long bound, boolean forward, int limit) {
        return inListMessages(id, bound, forward, limit);
    }

    private List<ConversationId> list(ConversationQuery query, ConversationKey bound, boolean forward, int limit) {
        return inListConversations(query, bound, forward, limit).stream()
                .map(c -> c.conversation().id()).toList();
    }

    private long count(ConversationQuery query) {
        return inCountConversations(query);
    }

    /** Lists with {@code query} forward and backward, and counts, expecting exactly {@code expected} in list order. */
    private void assertListed(ConversationQuery query, Conversation... expected) {
        List<StoredConversation> forward = inListConversations(query, null, true, 100);
        assertThat(forward).as("listing %s", query).extracting(StoredConversation::conversation)
                .containsExactly(expected);
        List<ConversationId> backward = new ArrayList<>(list(query, null, false, 100));
        Collections.reverse(backward);
        assertThat(backward).as("listing backward %s", query).containsExactlyElementsOf(ids(expected));
        assertThat(count(query)).as("counting %s", query).isEqualTo(expected.length);
    }

}
