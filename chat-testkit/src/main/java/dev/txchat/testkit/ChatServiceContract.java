package dev.txchat.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.ConversationView;
import dev.txchat.core.FieldError;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.core.spi.WalletOwner;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end contract every {@link ChatStore} must pass when driven through the
 * {@link ChatService} facade: every rule of the design's "Rules" table, business-user
 * isolation for every call, paging, read state, events and concurrency.
 *
 * <p>Extend it and return the store under test from {@link #createStore()}, which runs
 * before every test:
 *
 * <pre>{@code
 * class MyChatServiceTest extends ChatServiceContract {
 *     protected ChatStore createStore() { return new InMemoryChatStore(); }
 * }
 * }</pre>
 *
 * <p>The store may sit on a shared database that already holds other tests' data: every
 * test uses fresh random user, organization and transaction ids and only counts what
 * those ids scope, so the store may be reused across tests and test classes.
 *
 * <p>Each test instance is used by one JUnit thread; the concurrency tests start their
 * own threads and join them before asserting.
 */
public abstract class ChatServiceContract {

    protected static final String CREATE = ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR;
    protected static final String VIEW = ChatPermissions.CONVERSATION_VIEWER;
    protected static final String WRITE = ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR;
    protected static final String DELETE = ChatPermissions.CONVERSATION_DELETION_EXECUTOR;
    protected static final String MANAGE = ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER;
    protected static final List<String> ALL_PERMISSIONS = List.of(CREATE, VIEW, WRITE, DELETE, MANAGE);

    private static final Map<String, String> DETAILS = Map.of(
            "amount", "125.40 EUR", "status", "SETTLED", "note", "Zahlung für Müller \uD83D\uDE00");
    private static final long TIMEOUT_SECONDS = 60;
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

    /** The store under test, fresh from {@link #createStore()} for each test. */
    protected ChatStore store;
    protected FakeTransactionDirectory directory;
    protected MutableClock clock;
    /** Every event the service under test delivered, in order. */
    protected List<ChatEvent> events;
    /** The service under test. */
    protected ChatService chat;
    /** A staff user holding every permission; a new user id for each test. */
    protected Actor admin;

    /** The store to test; called before each test. It may be shared and already hold data. */
    protected abstract ChatStore createStore();

    @BeforeEach
    void setUpChatService() {
        store = createStore();
        directory = new FakeTransactionDirectory();
        clock = MutableClock.startingAtEpochDay();
        events = new CopyOnWriteArrayList<>();
        chat = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .clock(clock)
                .listener(events::add)
                // generous, so that a slow machine never lets a call return before its events arrived
                .listenerTimeout(LISTENER_TIMEOUT)
                .build();
        admin = Actor.service(uid("admin"), ALL_PERMISSIONS.toArray(String[]::new));
    }

    // =====================================================================================
    // Rules: transaction chats
    // =====================================================================================

    @Nested
    class TransactionChats {

        @Test
        void openingATransactionChatCreatesItsTicketConversationAndFirstMessage() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);

            TransactionChat result = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("Hello about your payment")));

            assertThat(result.created()).isTrue();
            assertThat(result.ticket().transactionId()).isEqualTo(tx);
            assertThat(result.ticket().details()).isEqualTo(DETAILS);
            assertThat(result.ticket().createdAt()).isEqualTo(clock.instant());
            Conversation conversation = result.conversation();
            assertThat(conversation.kind()).isEqualTo(ConversationKind.TRANSACTION);
            assertThat(conversation.status()).isEqualTo(ConversationStatus.OPEN);
            assertThat(conversation.transactionId()).isEqualTo(tx);
            assertThat(conversation.ticketId()).isEqualTo(result.ticket().id());
            assertThat(conversation.organizationId()).isEqualTo(user.organizationId());
            assertThat(conversation.createdAt()).isEqualTo(clock.instant());
            assertThat(conversation.participants())
                    .extracting(Participant::type, Participant::userId, Participant::organizationId)
                    .containsExactlyInAnyOrder(
                            tuple(ParticipantType.BUSINESS, user.userId(), user.organizationId()),
                            tuple(ParticipantType.SERVICE, admin.userId(), null));
            ParticipantMessage message = result.message();
            assertThat(message.sequence()).isEqualTo(1);
            assertThat(message.body()).isEqualTo("Hello about your payment");
            assertThat(message.sentByType()).isEqualTo(ParticipantType.SERVICE);
            assertThat(message.message().authorUserId()).isEqualTo(admin.userId());
            assertThat(message.sender().userId()).isEqualTo(admin.userId());
            assertThat(message.message().conversationId()).isEqualTo(conversation.id());
            assertThat(message.createdAt()).isEqualTo(clock.instant());
            assertThat(message.readAt()).isNull();

            ConversationView seenByUser = chat.getConversation(user, conversation.id());
            assertThat(seenByUser.messageCount()).isEqualTo(1);
            assertThat(seenByUser.lastMessage().id()).isEqualTo(message.id());
        }

        @Test
        void openingATransactionChatWithoutTheCreationPermissionIsDenied() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            Actor lacking = staffWithout(CREATE);

            assertDenied(() -> chat.openTransactionChat(lacking,
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("hi"))));

            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx).includingDeleted()).totalCount())
                    .isZero();
            assertNotFound(() -> chat.ticket(admin, tx));
        }

        @Test
        void openingATransactionChatAsABusinessUserIsDenied() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            Actor userWithEveryPermission = new Actor(ParticipantType.BUSINESS, user.userId(), user.organizationId(),
                    Set.copyOf(ALL_PERMISSIONS));

            assertDenied(() -> chat.openTransactionChat(user,
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("hi"))));
            assertDenied(() -> chat.openTransactionChat(userWithEveryPermission,
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("hi"))));

            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx).includingDeleted()).totalCount())
                    .isZero();
        }

        @Test
        void openingAChatAboutATransactionUnknownToTheDirectoryIsNotFound() {
            Actor user = businessUser(uid("org"));
            String unknown = uid("tx");

            assertNotFound(() -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(unknown, ref(user), NewMessage.of("hi"))));
            assertThat(list(admin, ConversationFilter.all().withTransactionId(unknown)).totalCount()).isZero();
        }

        @Test
        void openingAChatWithAUserWhoseWalletDoesNotParticipateFailsOnBusinessUser() {
            String org = uid("org");
            Actor owner = businessUser(org);
            Actor stranger = businessUser(org);
            String tx = registerTransaction(owner);

            assertInvalid("businessUser", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ref(stranger), NewMessage.of("hi"))));
            assertInvalid("businessUser", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ParticipantRef.serviceUser(owner.userId()), NewMessage.of("hi"))));

            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx)).totalCount()).isZero();
        }

        @Test
        void reopeningATransactionChatAppendsToTheSameConversation() {
            TxChat first = openTransactionChat();
            Actor otherStaff = staff(CREATE, VIEW);
            clock.advance(Duration.ofMinutes(5));

            TransactionChat again = chat.openTransactionChat(otherStaff,
                    new OpenTransactionChat(first.transactionId(), ref(first.user()), NewMessage.of("Any news?")));

            assertThat(again.created()).isFalse();
            assertThat(again.conversation().id()).isEqualTo(first.id());
            assertThat(again.ticket().id()).isEqualTo(first.result().ticket().id());
            assertThat(again.message().sequence()).isEqualTo(2);
            assertThat(again.message().body()).isEqualTo("Any news?");
            assertThat(list(admin, ConversationFilter.all().withTransactionId(first.transactionId())).nodes())
                    .singleElement()
                    .satisfies(v -> {
                        assertThat(v.id()).isEqualTo(first.id());
                        assertThat(v.messageCount()).isEqualTo(2);
                    });
            assertThat(sequences(messages(admin, first.id()))).containsExactly(1L, 2L);
        }

        @Test
        void eachBusinessUserOfATransactionGetsTheirOwnConversationUnderOneTicket() {
            Actor payer = businessUser(uid("org"));
            Actor payee = businessUser(uid("org"));
            String tx = uid("tx");
            directory.register(tx, DETAILS, owner(payer), owner(payee));

            TransactionChat withPayer = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ref(payer), NewMessage.of("to the payer")));
            TransactionChat withPayee = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ref(payee), NewMessage.of("to the payee")));

            assertThat(withPayee.created()).isTrue();
            assertThat(withPayee.conversation().id()).isNotEqualTo(withPayer.conversation().id());
            assertThat(withPayee.ticket().id()).isEqualTo(withPayer.ticket().id());
            assertThat(ids(list(admin, ConversationFilter.all().withTransactionId(tx))))
                    .containsExactlyInAnyOrder(withPayer.conversation().id(), withPayee.conversation().id());
        }

        @Test
        void aStaffUserWhoOpensOrWritesInATransactionChatBecomesAServiceParticipant() {
            TxChat tx = openTransactionChat();
            Actor opener = staff(CREATE);
            Actor writer = staff(WRITE);

            chat.openTransactionChat(opener,
                    new OpenTransactionChat(tx.transactionId(), ref(tx.user()), NewMessage.of("second opener")));
            ParticipantMessage written = chat.postMessage(writer, tx.id(), NewMessage.of("a writer"));

            assertThat(written.sentByType()).isEqualTo(ParticipantType.SERVICE);
            assertThat(written.sender().userId()).isEqualTo(writer.userId());
            assertThat(written.message().authorUserId()).isEqualTo(writer.userId());
            assertThat(activeParticipants(tx.id()))
                    .extracting(Participant::type, Participant::userId, Participant::organizationId)
                    .containsExactlyInAnyOrder(
                            tuple(ParticipantType.BUSINESS, tx.user().userId(), tx.user().organizationId()),
                            tuple(ParticipantType.SERVICE, admin.userId(), null),
                            tuple(ParticipantType.SERVICE, opener.userId(), null),
                            tuple(ParticipantType.SERVICE, writer.userId(), null));
        }

        @Test
        void aBusinessUserWritesAsTheirOwnParticipant() {
            TxChat tx = openTransactionChat();

            ParticipantMessage reply = chat.postMessage(tx.user(), tx.id(), NewMessage.of("Thanks, I check"));

            assertThat(reply.sequence()).isEqualTo(2);
            assertThat(reply.sentByType()).isEqualTo(ParticipantType.BUSINESS);
            assertThat(reply.sender().type()).isEqualTo(ParticipantType.BUSINESS);
            assertThat(reply.sender().userId()).isEqualTo(tx.user().userId());
            assertThat(reply.message().authorUserId()).isEqualTo(tx.user().userId());
            assertThat(messages(admin, tx.id())).extracting(ParticipantMessage::body)
                    .containsExactly("Hello about your payment", "Thanks, I check");
        }

        @Test
        void reopeningWithTheSameClientMessageIdReturnsTheFirstMessage() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            OpenTransactionChat request = new OpenTransactionChat(tx, ref(user), NewMessage.of("once", "client-1"));

            TransactionChat first = chat.openTransactionChat(admin, request);
            TransactionChat retry = chat.openTransactionChat(admin, request);

            assertThat(retry.created()).isFalse();
            assertThat(retry.conversation().id()).isEqualTo(first.conversation().id());
            assertThat(retry.message().id()).isEqualTo(first.message().id());
            assertThat(chat.getConversation(admin, first.conversation().id()).messageCount()).isEqualTo(1);
        }

        @Test
        void timesAreKeptToTheMicrosecond() {
            clock.set(Instant.parse("2026-03-04T05:06:07.123456789Z"));
            Instant expected = Instant.parse("2026-03-04T05:06:07.123456Z");

            TxChat tx = openTransactionChat();

            assertThat(tx.result().conversation().createdAt()).isEqualTo(expected);
            assertThat(tx.result().message().createdAt()).isEqualTo(expected);
            assertThat(chat.getConversation(admin, tx.id()).conversation().createdAt()).isEqualTo(expected);
            assertThat(messages(admin, tx.id())).singleElement()
                    .satisfies(m -> assertThat(m.createdAt()).isEqualTo(expected));
            assertThat(chat.ticket(admin, tx.transactionId()).createdAt()).isEqualTo(expected);
            ReadReceipt receipt = chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE);
            assertThat(receipt.readAt()).isEqualTo(expected);
            assertThat(messages(admin, tx.id()).get(0).readAt()).isEqualTo(expected);
        }
    }

    // =====================================================================================
    // Direct chats
    // =====================================================================================

    @Nested
    class DirectChats {

        @Test
        void startingADirectChatMakesTheStaffUserAndTheBusinessUserParticipants() {
            Actor user = businessUser(uid("org"));

            Conversation started = chat.startConversation(admin,
                    new StartConversation(ref(user), "Your documents", NewMessage.of("Please upload your ID")));

            assertThat(started.kind()).isEqualTo(ConversationKind.DIRECT);
            assertThat(started.subject()).isEqualTo("Your documents");
            assertThat(started.transactionId()).isNull();
            assertThat(started.ticketId()).isNull();
            assertThat(started.participants())
                    .extracting(Participant::type, Participant::userId, Participant::organizationId)
                    .containsExactlyInAnyOrder(
                            tuple(ParticipantType.BUSINESS, user.userId(), user.organizationId()),
                            tuple(ParticipantType.SERVICE, admin.userId(), null));
            assertThat(messages(user, started.id())).singleElement().satisfies(m -> {
                assertThat(m.body()).isEqualTo("Please upload your ID");
                assertThat(m.sentByType()).isEqualTo(ParticipantType.SERVICE);
                assertThat(m.message().authorUserId()).isEqualTo(admin.userId());
            });
        }

        @Test
        void startingADirectChatWithoutAFirstMessageLeavesItEmpty() {
            Actor user = businessUser(uid("org"));

            Conversation started = chat.startConversation(admin, StartConversation.with(ref(user)));

            ConversationView view = chat.getConversation(user, started.id());
            assertThat(view.messageCount()).isZero();
            assertThat(view.unreadCount()).isZero();
            assertThat(view.lastMessage()).isNull();
            Page<ParticipantMessage> page = chat.listMessages(user, started.id(), PageRequest.first(10));
            assertThat(page.nodes()).isEmpty();
            assertThat(page.totalCount()).isZero();
            assertThat(page.pageInfo().hasNextPage()).isFalse();
            assertThat(page.pageInfo().hasPreviousPage()).isFalse();
            assertThat(page.pageInfo().startCursor()).isNull();
            assertThat(page.pageInfo().endCursor()).isNull();
        }

        @Test
        void startingSeveralDirectChatsWithOneUserCreatesSeveralConversations() {
            Actor user = businessUser(uid("org"));

            ConversationId first = startDirect(user, "first");
            ConversationId second = startDirect(user, "second");

            assertThat(first).isNotEqualTo(second);
            assertThat(ids(list(user, ConversationFilter.all()))).containsExactlyInAnyOrder(first, second);
        }

        @Test
        void aStaffUserWhoWritesInADirectChatBecomesAServiceParticipant() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");
            Actor writer = staff(WRITE);

            ParticipantMessage posted = chat.postMessage(writer, id, NewMessage.of("me too"));
            chat.postMessage(writer, id, NewMessage.of("and again"));

            assertThat(posted.sender().type()).isEqualTo(ParticipantType.SERVICE);
            assertThat(posted.sender().userId()).isEqualTo(writer.userId());
            assertThat(activeParticipants(id))
                    .extracting(Participant::type, Participant::userId)
                    .containsExactlyInAnyOrder(
                            tuple(ParticipantType.BUSINESS, user.userId()),
                            tuple(ParticipantType.SERVICE, admin.userId()),
                            tuple(ParticipantType.SERVICE, writer.userId()));
        }

        @Test
        void startingADirectChatWithAStaffUserFailsOnWith() {
            assertInvalid("with", () -> chat.startConversation(admin,
                    StartConversation.with(ParticipantRef.serviceUser(uid("staff")))));
        }
    }

    // =====================================================================================
    // Rules: account threads
    // =====================================================================================

    @Nested
    class AccountThreads {

        @Test
        void anAccountThreadIsBetweenThePlatformAndTheBusinessAccount() {
            String org = uid("org");

            Conversation thread = chat.accountThread(staff(VIEW), org);

            assertThat(thread.kind()).isEqualTo(ConversationKind.ACCOUNT);
            assertThat(thread.organizationId()).isEqualTo(org);
            assertThat(thread.transactionId()).isNull();
            assertThat(thread.ticketId()).isNull();
            assertThat(thread.status()).isEqualTo(ConversationStatus.OPEN);
            assertThat(thread.participants())
                    .extracting(Participant::type, Participant::userId, Participant::organizationId)
                    .containsExactlyInAnyOrder(
                            tuple(ParticipantType.SERVICE, null, null),
                            tuple(ParticipantType.BUSINESS, null, org));
        }

        @Test
        void anAccountThreadIsCreatedOnceAndFoundByStaffAndEveryUserOfTheAccount() {
            String org = uid("org");
            Actor seller1 = businessUser(org);
            Actor seller2 = businessUser(org);

            Conversation byStaff = chat.accountThread(staff(VIEW), org);
            Conversation byOtherStaff = chat.accountThread(admin, org);
            Conversation bySeller1 = chat.accountThread(seller1, org);
            Conversation bySeller2 = chat.accountThread(seller2, org);

            assertThat(List.of(byOtherStaff.id(), bySeller1.id(), bySeller2.id())).containsOnly(byStaff.id());
            assertThat(eventsOf(ChatEvent.ConversationStarted.class))
                    .filteredOn(e -> e.conversationId().equals(byStaff.id())).hasSize(1);
            assertThat(list(admin, ConversationFilter.all().withParticipantId(org)).totalCount()).isEqualTo(1);
        }

        @Test
        void aBusinessUserMayOpenTheirOwnOrganizationsThreadFirst() {
            String org = uid("org");
            Actor seller = businessUser(org);

            Conversation thread = chat.accountThread(seller, org);

            assertThat(thread.kind()).isEqualTo(ConversationKind.ACCOUNT);
            assertThat(chat.accountThread(admin, org).id()).isEqualTo(thread.id());
        }

        @Test
        void everyUserOfAnAccountAndEveryStaffUserWriteIntoTheOneThread() {
            String org = uid("org");
            Actor seller1 = businessUser(org);
            Actor seller2 = businessUser(org);
            Actor staff1 = staff(VIEW, WRITE);
            Actor staff2 = staff(WRITE);
            Conversation thread = chat.accountThread(staff1, org);
            Participant platform = participantWhere(thread, ParticipantType.SERVICE);
            Participant account = participantWhere(thread, ParticipantType.BUSINESS);

            ParticipantMessage m1 = chat.postMessage(seller1, chat.accountThread(seller1, org).id(),
                    NewMessage.of("from seller 1"));
            ParticipantMessage m2 = chat.postMessage(seller2, chat.accountThread(seller2, org).id(),
                    NewMessage.of("from seller 2"));
            ParticipantMessage m3 = chat.postMessage(staff1, thread.id(), NewMessage.of("from staff 1"));
            ParticipantMessage m4 = chat.postMessage(staff2, thread.id(), NewMessage.of("from staff 2"));

            assertThat(List.of(m1, m2, m3, m4)).extracting(m -> m.message().conversationId()).containsOnly(thread.id());
            // as staff see it: business viewers meet the platform persona (ChatGuaranteesContract)
            assertThat(messages(admin, thread.id()))
                    .extracting(ParticipantMessage::sequence, ParticipantMessage::sentByType,
                            m -> m.sender().id(), m -> m.message().authorUserId(), ParticipantMessage::body)
                    .containsExactly(
                            tuple(1L, ParticipantType.BUSINESS, account.id(), seller1.userId(), "from seller 1"),
                            tuple(2L, ParticipantType.BUSINESS, account.id(), seller2.userId(), "from seller 2"),
                            tuple(3L, ParticipantType.SERVICE, platform.id(), staff1.userId(), "from staff 1"),
                            tuple(4L, ParticipantType.SERVICE, platform.id(), staff2.userId(), "from staff 2"));
            assertThat(m1.sender().userId()).isNull();
            assertThat(m1.sender().organizationId()).isEqualTo(org);
            assertThat(m3.sender().userId()).isNull();
            assertThat(m3.sender().organizationId()).isNull();
            // staff write as the platform: nobody joins the thread by writing into it
            assertThat(chat.getConversation(admin, thread.id()).conversation().participants())
                    .extracting(Participant::id).containsExactlyInAnyOrder(platform.id(), account.id());
        }

        @Test
        void readStateInAnAccountThreadIsSharedByEachSide() {
            String org = uid("org");
            Actor seller1 = businessUser(org);
            Actor seller2 = businessUser(org);
            Actor staff2 = staff(VIEW, WRITE);
            ConversationId thread = chat.accountThread(admin, org).id();
            chat.postMessage(admin, thread, NewMessage.of("one"));
            chat.postMessage(staff2, thread, NewMessage.of("two"));
            chat.postMessage(seller1, thread, NewMessage.of("three"));

            assertThat(chat.getConversation(seller2, thread).unreadCount()).isEqualTo(2);
            assertThat(chat.getConversation(staff2, thread).unreadCount()).isEqualTo(1);

            assertThat(chat.markRead(seller1, thread, ParticipantType.SERVICE).markedRead()).isEqualTo(2);
            assertThat(chat.getConversation(seller2, thread).unreadCount()).isZero();
            assertThat(chat.markRead(admin, thread, ParticipantType.BUSINESS).markedRead()).isEqualTo(1);
            assertThat(chat.getConversation(staff2, thread).unreadCount()).isZero();
        }

        @Test
        void aBusinessUserAskingForAnotherOrganizationsAccountThreadIsDenied() {
            String sellerOrg = uid("org");
            String otherOrg = uid("org");
            Actor seller = businessUser(sellerOrg);
            Actor withoutOrganization = Actor.business(uid("user"), null);

            assertDenied(() -> chat.accountThread(seller, otherOrg));
            assertDenied(() -> chat.accountThread(withoutOrganization, otherOrg));

            // a denied call leaves nothing behind: the first real call creates the thread
            events.clear();
            chat.accountThread(admin, otherOrg);
            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).hasSize(1);
        }

        @Test
        void sellersNeverSeeEachOthersThread() {
            String orgA = uid("org");
            String orgB = uid("org");
            Actor sellerA = businessUser(orgA);
            Actor sellerB = businessUser(orgB);
            ConversationId threadA = chat.accountThread(sellerA, orgA).id();
            chat.postMessage(sellerA, threadA, NewMessage.of("private to A"));
            ConversationId threadB = chat.accountThread(sellerB, orgB).id();

            assertDenied(() -> chat.accountThread(sellerB, orgA));
            assertNotFound(() -> chat.getConversation(sellerB, threadA));
            assertNotFound(() -> chat.listMessages(sellerB, threadA, PageRequest.first(10)));
            assertNotFound(() -> chat.postMessage(sellerB, threadA, NewMessage.of("hi A")));
            assertNotFound(() -> chat.markRead(sellerB, threadA, ParticipantType.BUSINESS));
            assertThat(ids(list(sellerB, ConversationFilter.all()))).containsExactly(threadB);
            assertThat(ids(list(sellerB, ConversationFilter.all().withKind(ConversationKind.ACCOUNT))))
                    .containsExactly(threadB);
            assertThat(list(sellerB, ConversationFilter.all().withParticipantId(orgA)).totalCount()).isZero();
            assertThat(chat.getConversation(admin, threadA).messageCount()).isEqualTo(1);
        }

        @Test
        void participantsOfAnAccountThreadCannotBeChanged() {
            String org = uid("org");
            Conversation thread = chat.accountThread(admin, org);
            Participant account = participantWhere(thread, ParticipantType.BUSINESS);

            assertConflict(() -> chat.addParticipant(admin, thread.id(), ParticipantRef.businessUser(uid("user"), org)));
            assertConflict(() -> chat.addParticipant(admin, thread.id(), ParticipantRef.serviceUser(uid("staff"))));
            assertConflict(() -> chat.removeParticipant(admin, thread.id(), account.id()));

            assertThat(activeParticipants(thread.id())).hasSize(2);
        }
    }

    // =====================================================================================
    // Rules: a business actor never sees another's conversation
    // =====================================================================================

    @Nested
    class BusinessIsolation {

        private TxChat victim;
        private Actor victimsStaff;
        private Actor intruder;
        private ConversationId intrudersOwn;

        @BeforeEach
        void twoBusinessUsersOfDifferentOrganizations() {
            victim = openTransactionChat();
            victimsStaff = staff(WRITE);
            chat.postMessage(victimsStaff, victim.id(), NewMessage.of("only for the victim"));
            chat.postMessage(victim.user(), victim.id(), NewMessage.of("my secret reply"));
            intruder = businessUser(uid("org"));
            intrudersOwn = startDirect(intruder, "yours");
        }

        @Test
        void aBusinessUserGettingAConversationTheyAreNotInGetsNotFound() {
            assertNotFound(() -> chat.getConversation(intruder, victim.id()));
            assertNotFound(() -> chat.getConversation(intruder, ConversationId.random()));
        }

        @Test
        void aBusinessUserCannotTellAnotherUsersConversationFromAMissingOne() {
            ConversationId missing = ConversationId.random();

            String forExisting = notFoundMessage(() -> chat.getConversation(intruder, victim.id()));
            String forMissing = notFoundMessage(() -> chat.getConversation(intruder, missing));

            assertThat(forExisting.replace(victim.id().toString(), "<id>"))
                    .isEqualTo(forMissing.replace(missing.toString(), "<id>"));
            assertThat(notFoundMessage(() -> chat.postMessage(intruder, victim.id(), NewMessage.of("x")))
                    .replace(victim.id().toString(), "<id>"))
                    .isEqualTo(notFoundMessage(() -> chat.postMessage(intruder, missing, NewMessage.of("x")))
                            .replace(missing.toString(), "<id>"));
        }

        private String notFoundMessage(ThrowingCallable call) {
            Throwable thrown = catchThrowable(call);
            assertThat(thrown).isInstanceOf(NotFoundException.class);
            return String.valueOf(thrown.getMessage());
        }

        @Test
        void aBusinessUserListingMessagesOfAConversationTheyAreNotInGetsNotFound() {
            assertNotFound(() -> chat.listMessages(intruder, victim.id(), PageRequest.first(10)));
            assertNotFound(() -> chat.listMessages(intruder, victim.id(), PageRequest.last(10)));
            assertNotFound(() -> chat.listMessages(intruder, ConversationId.random(), PageRequest.first(10)));
        }

        @Test
        void aBusinessUserPostingIntoAConversationTheyAreNotInGetsNotFoundAndStoresNothing() {
            assertNotFound(() -> chat.postMessage(intruder, victim.id(), NewMessage.of("let me in")));
            assertNotFound(() -> chat.postMessage(intruder, ConversationId.random(), NewMessage.of("let me in")));

            ConversationView seenByStaff = chat.getConversation(admin, victim.id());
            assertThat(seenByStaff.messageCount()).isEqualTo(3);
            assertThat(seenByStaff.conversation().participants())
                    .extracting(Participant::userId).doesNotContain(intruder.userId());
        }

        @Test
        void aBusinessUserMarkingReadAConversationTheyAreNotInGetsNotFoundAndMarksNothing() {
            assertNotFound(() -> chat.markRead(intruder, victim.id(), ParticipantType.SERVICE));
            assertNotFound(() -> chat.markRead(intruder, ConversationId.random(), ParticipantType.SERVICE));

            assertThat(chat.getConversation(victim.user(), victim.id()).unreadCount()).isEqualTo(2);
            assertThat(messages(admin, victim.id())).extracting(ParticipantMessage::readAt).containsOnlyNulls();
        }

        @Test
        void aBusinessUserAskingForATicketTheyAreNotOnGetsNotFound() {
            assertNotFound(() -> chat.ticket(intruder, victim.transactionId()));
            assertNotFound(() -> chat.ticket(intruder, uid("tx")));
        }

        @Test
        void aBusinessUserAskingForAnotherOrganizationsAccountThreadIsDenied() {
            chat.accountThread(victim.user(), victim.user().organizationId());

            assertDenied(() -> chat.accountThread(intruder, victim.user().organizationId()));
        }

        @Test
        void aBusinessUserListsOnlyTheirOwnConversationsWhateverTheFilter() {
            String victimOrg = victim.user().organizationId();

            assertThat(ids(list(intruder, ConversationFilter.all()))).containsExactly(intrudersOwn);
            assertThat(list(intruder, ConversationFilter.all()).totalCount()).isEqualTo(1);
            assertThat(ids(list(intruder, ConversationFilter.all().includingDeleted()))).containsExactly(intrudersOwn);
            assertThat(ids(list(intruder, ConversationFilter.all().withKind(ConversationKind.TRANSACTION)))).isEmpty();
            assertThat(ids(list(intruder, ConversationFilter.all().withParticipantType(ParticipantType.SERVICE))))
                    .containsExactly(intrudersOwn);
            assertThat(ids(list(intruder, ConversationFilter.all().withParticipantType(ParticipantType.BUSINESS))))
                    .containsExactly(intrudersOwn);
            assertNoneVisible(intruder, ConversationFilter.all().withParticipantId(victim.user().userId()));
            assertNoneVisible(intruder, ConversationFilter.all().withParticipantId(victimOrg));
            assertNoneVisible(intruder, ConversationFilter.all().withParticipantId(victimsStaff.userId())
                    .withParticipantType(ParticipantType.SERVICE).includingDeleted());
            assertNoneVisible(intruder, ConversationFilter.all().withTransactionId(victim.transactionId()));
            assertNoneVisible(intruder, ConversationFilter.all().withTransactionId(victim.transactionId())
                    .includingDeleted());
            assertNoneVisible(intruder, ConversationFilter.all().withParticipantId(victimOrg)
                    .withParticipantType(ParticipantType.BUSINESS).withKind(ConversationKind.TRANSACTION));
        }

        @Test
        void anotherUserOfTheSameOrganizationDoesNotSeeAUserLevelChat() {
            Actor colleague = businessUser(victim.user().organizationId());

            assertNotFound(() -> chat.getConversation(colleague, victim.id()));
            assertNotFound(() -> chat.listMessages(colleague, victim.id(), PageRequest.first(10)));
            assertNotFound(() -> chat.postMessage(colleague, victim.id(), NewMessage.of("hi")));
            assertNotFound(() -> chat.markRead(colleague, victim.id(), ParticipantType.SERVICE));
            assertNotFound(() -> chat.ticket(colleague, victim.transactionId()));
            assertNoneVisible(colleague, ConversationFilter.all());
            assertNoneVisible(colleague, ConversationFilter.all().withParticipantId(victim.user().organizationId()));
            assertNoneVisible(colleague, ConversationFilter.all().withTransactionId(victim.transactionId()));
        }

        @Test
        void theSameUserIdInAnotherOrganizationDoesNotSeeAUserLevelChat() {
            Actor namesake = Actor.business(victim.user().userId(), uid("org"));

            assertNotFound(() -> chat.getConversation(namesake, victim.id()));
            assertNotFound(() -> chat.listMessages(namesake, victim.id(), PageRequest.first(10)));
            assertNotFound(() -> chat.postMessage(namesake, victim.id(), NewMessage.of("hi")));
            assertNoneVisible(namesake, ConversationFilter.all());
        }

        @Test
        void everyUserOfAnOrganizationSeesAnOrganizationLevelChat() {
            String org = uid("org");
            Actor user1 = businessUser(org);
            Actor user2 = businessUser(org);
            ConversationId shared = chat.startConversation(admin, new StartConversation(
                    ParticipantRef.businessAccount(org), "For the whole team", NewMessage.of("hello team"))).id();

            for (Actor user : List.of(user1, user2)) {
                assertThat(chat.getConversation(user, shared).messageCount()).isEqualTo(1);
                assertThat(messages(user, shared)).extracting(ParticipantMessage::body).containsExactly("hello team");
                assertThat(ids(list(user, ConversationFilter.all()))).containsExactly(shared);
            }
            ParticipantMessage reply = chat.postMessage(user2, shared, NewMessage.of("on it"));
            assertThat(reply.sentByType()).isEqualTo(ParticipantType.BUSINESS);
            assertThat(reply.message().authorUserId()).isEqualTo(user2.userId());
            assertThat(chat.markRead(user1, shared, ParticipantType.SERVICE).markedRead()).isEqualTo(1);

            assertNotFound(() -> chat.getConversation(intruder, shared));
            assertNoneVisible(intruder, ConversationFilter.all().withParticipantId(org));
        }

        @Test
        void aNonexistentConversationIsNotFoundForStaffToo() {
            ConversationId missing = ConversationId.random();

            assertNotFound(() -> chat.getConversation(admin, missing));
            assertNotFound(() -> chat.listMessages(admin, missing, PageRequest.first(10)));
            assertNotFound(() -> chat.postMessage(admin, missing, NewMessage.of("hi")));
            assertNotFound(() -> chat.markRead(admin, missing, ParticipantType.BUSINESS));
            assertNotFound(() -> chat.deleteConversation(admin, missing));
            assertNotFound(() -> chat.addParticipant(admin, missing, ParticipantRef.serviceUser(uid("staff"))));
            assertNotFound(() -> chat.removeParticipant(admin, missing, ParticipantId.random()));
            assertNotFound(() -> chat.ticket(admin, uid("tx")));
        }

        private void assertNoneVisible(Actor actor, ConversationFilter filter) {
            Page<ConversationView> page = list(actor, filter);
            assertThat(page.nodes()).as("visible to %s with %s", actor.userId(), filter).isEmpty();
            assertThat(page.totalCount()).as("counted for %s with %s", actor.userId(), filter).isZero();
        }
    }

    // =====================================================================================
    // Rules: permissions
    // =====================================================================================

    @Nested
    class Permissions {

        @Test
        void aBusinessUserTryingToOpenOrStartAChatIsDenied() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);

            assertDenied(() -> chat.openTransactionChat(user, new OpenTransactionChat(tx, ref(user), NewMessage.of("x"))));
            assertDenied(() -> chat.startConversation(user, StartConversation.with(ref(user))));
            assertDenied(() -> chat.startConversation(user, StartConversation.with(ref(businessUser(uid("org"))))));
            assertThat(list(user, ConversationFilter.all()).totalCount()).isZero();
        }

        @Test
        void aBusinessUserTryingToDeleteAChatIsDenied() {
            TxChat tx = openTransactionChat();

            assertDenied(() -> chat.deleteConversation(tx.user(), tx.id()));
            // the same answer for a conversation that does not exist: nothing is revealed
            assertDenied(() -> chat.deleteConversation(tx.user(), ConversationId.random()));

            assertThat(chat.getConversation(tx.user(), tx.id()).conversation().status())
                    .isEqualTo(ConversationStatus.OPEN);
        }

        @Test
        void aBusinessUserTryingToAddOrRemoveParticipantsIsDenied() {
            TxChat tx = openTransactionChat();
            Participant staffParticipant = participantWhere(tx.result().conversation(), ParticipantType.SERVICE);

            assertDenied(() -> chat.addParticipant(tx.user(), tx.id(),
                    ParticipantRef.businessUser(uid("user"), tx.user().organizationId())));
            assertDenied(() -> chat.removeParticipant(tx.user(), tx.id(), staffParticipant.id()));

            assertThat(activeParticipants(tx.id())).hasSize(2);
        }

        @Test
        void aPermissiveAccessPolicyCannotWidenWhatBusinessUsersMayDo() {
            ChatService permissive = ChatService.builder().store(store).transactionDirectory(directory).clock(clock)
                    .accessPolicy((actor, action) -> true).build();
            TxChat victim = openTransactionChat();
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            ConversationId own = startDirect(user, "own");
            Participant ownStaff = participantWhere(chat.getConversation(admin, own).conversation(),
                    ParticipantType.SERVICE);

            assertDenied(() -> permissive.openTransactionChat(user,
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("x"))));
            assertDenied(() -> permissive.startConversation(user, StartConversation.with(ref(user))));
            assertDenied(() -> permissive.deleteConversation(user, own));
            assertDenied(() -> permissive.addParticipant(user, own, ParticipantRef.serviceUser(uid("staff"))));
            assertDenied(() -> permissive.removeParticipant(user, own, ownStaff.id()));
            assertNotFound(() -> permissive.getConversation(user, victim.id()));
            assertNotFound(() -> permissive.postMessage(user, victim.id(), NewMessage.of("x")));
            assertThat(ids(list(user, ConversationFilter.all()))).containsExactly(own);
            assertThat(permissive.listConversations(user, ConversationFilter.all(), PageRequest.first(100)).nodes())
                    .extracting(ConversationView::id).containsExactly(own);
        }

        @Test
        void staffWithoutTheCreationPermissionCannotStartAChat() {
            Actor user = businessUser(uid("org"));

            assertDenied(() -> chat.startConversation(staffWithout(CREATE), StartConversation.with(ref(user))));
            assertThat(list(admin, ConversationFilter.all().withParticipantId(user.userId())).totalCount()).isZero();
        }

        @Test
        void staffWithoutTheCreationPermissionCannotOpenATransactionChat() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);

            assertDenied(() -> chat.openTransactionChat(staffWithout(CREATE),
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("x"))));
            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx)).totalCount()).isZero();
        }

        @Test
        void staffWithoutTheViewerPermissionCannotGetTheAccountThread() {
            String org = uid("org");

            assertDenied(() -> chat.accountThread(staffWithout(VIEW), org));

            chat.accountThread(admin, org);
            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).hasSize(1);
        }

        @Test
        void staffWithoutTheViewerPermissionCannotGetAConversation() {
            TxChat tx = openTransactionChat();
            assertDenied(() -> chat.getConversation(staffWithout(VIEW), tx.id()));
        }

        @Test
        void staffWithoutTheViewerPermissionCannotListConversations() {
            TxChat tx = openTransactionChat();
            assertDenied(() -> chat.listConversations(staffWithout(VIEW),
                    ConversationFilter.all().withTransactionId(tx.transactionId()), PageRequest.first(10)));
        }

        @Test
        void staffWithoutTheViewerPermissionCannotListMessages() {
            TxChat tx = openTransactionChat();
            assertDenied(() -> chat.listMessages(staffWithout(VIEW), tx.id(), PageRequest.first(10)));
        }

        @Test
        void staffWithoutTheViewerPermissionCannotGetATicket() {
            TxChat tx = openTransactionChat();
            assertDenied(() -> chat.ticket(staffWithout(VIEW), tx.transactionId()));
        }

        @Test
        void staffWithoutTheMessagePermissionCannotPost() {
            TxChat tx = openTransactionChat();
            Actor lacking = staffWithout(WRITE);

            assertDenied(() -> chat.postMessage(lacking, tx.id(), NewMessage.of("x")));

            ConversationView view = chat.getConversation(admin, tx.id());
            assertThat(view.messageCount()).isEqualTo(1);
            assertThat(view.conversation().participants()).extracting(Participant::userId)
                    .doesNotContain(lacking.userId());
        }

        @Test
        void staffWithoutTheMessagePermissionCannotMarkRead() {
            TxChat tx = openTransactionChat();
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply"));

            assertDenied(() -> chat.markRead(staffWithout(WRITE), tx.id(), ParticipantType.BUSINESS));

            assertThat(chat.getConversation(admin, tx.id()).unreadCount()).isEqualTo(1);
        }

        @Test
        void staffWithoutTheDeletionPermissionCannotDelete() {
            TxChat tx = openTransactionChat();

            assertDenied(() -> chat.deleteConversation(staffWithout(DELETE), tx.id()));

            assertThat(chat.getConversation(tx.user(), tx.id()).conversation().status())
                    .isEqualTo(ConversationStatus.OPEN);
        }

        @Test
        void staffWithoutTheParticipantPermissionCannotAddOrRemoveParticipants() {
            TxChat tx = openTransactionChat();
            Actor lacking = staffWithout(MANAGE);
            Participant user = participantWhere(tx.result().conversation(), ParticipantType.BUSINESS);

            assertDenied(() -> chat.addParticipant(lacking, tx.id(), ParticipantRef.serviceUser(uid("staff"))));
            assertDenied(() -> chat.removeParticipant(lacking, tx.id(), user.id()));

            assertThat(activeParticipants(tx.id())).hasSize(2);
        }

        @Test
        void staffHoldingOnlyTheCreationPermissionMayOpenAndStartChats() {
            Actor opener = staff(CREATE);
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);

            assertThat(chat.openTransactionChat(opener, new OpenTransactionChat(tx, ref(user), NewMessage.of("x")))
                    .created()).isTrue();
            assertThat(chat.startConversation(opener, StartConversation.with(ref(user))).kind())
                    .isEqualTo(ConversationKind.DIRECT);
        }

        @Test
        void staffHoldingOnlyTheViewerPermissionMayReadEverything() {
            Actor viewer = staff(VIEW);
            TxChat tx = openTransactionChat();

            assertThat(chat.getConversation(viewer, tx.id()).messageCount()).isEqualTo(1);
            assertThat(ids(list(viewer, ConversationFilter.all().withTransactionId(tx.transactionId()))))
                    .containsExactly(tx.id());
            assertThat(messages(viewer, tx.id())).hasSize(1);
            assertThat(chat.ticket(viewer, tx.transactionId()).conversations()).hasSize(1);
            assertThat(chat.accountThread(viewer, uid("org")).kind()).isEqualTo(ConversationKind.ACCOUNT);
        }

        @Test
        void staffHoldingOnlyTheMessagePermissionMayPostAndMarkRead() {
            Actor writer = staff(WRITE);
            TxChat tx = openTransactionChat();
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply"));

            assertThat(chat.postMessage(writer, tx.id(), NewMessage.of("x")).sequence()).isEqualTo(3);
            assertThat(chat.markRead(writer, tx.id(), ParticipantType.BUSINESS).markedRead()).isEqualTo(1);
        }

        @Test
        void staffHoldingOnlyTheDeletionPermissionMayDelete() {
            TxChat tx = openTransactionChat();

            chat.deleteConversation(staff(DELETE), tx.id());

            assertNotFound(() -> chat.getConversation(tx.user(), tx.id()));
        }

        @Test
        void staffHoldingOnlyTheParticipantPermissionMayAddAndRemoveParticipants() {
            Actor manager = staff(MANAGE);
            TxChat tx = openTransactionChat();

            Participant added = chat.addParticipant(manager, tx.id(), ParticipantRef.serviceUser(uid("staff")));
            chat.removeParticipant(manager, tx.id(), added.id());

            assertThat(activeParticipants(tx.id())).extracting(Participant::id).doesNotContain(added.id());
        }
    }

    // =====================================================================================
    // Rules: read state
    // =====================================================================================

    @Nested
    class ReadState {

        @Test
        void unreadCountIsTheOtherSidesUnreadMessagesAsSeenByTheCaller() {
            TxChat tx = openTransactionChat();
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply 1"));
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply 2"));
            Actor otherStaff = staff(VIEW);

            assertThat(chat.getConversation(tx.user(), tx.id()).unreadCount()).isEqualTo(1);
            assertThat(chat.getConversation(admin, tx.id()).unreadCount()).isEqualTo(2);
            assertThat(chat.getConversation(otherStaff, tx.id()).unreadCount()).isEqualTo(2);
            assertThat(chat.getConversation(admin, tx.id()).messageCount()).isEqualTo(3);
        }

        @Test
        void unreadCountsAppearInConversationLists() {
            TxChat tx = openTransactionChat();
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply 1"));
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply 2"));

            assertThat(list(tx.user(), ConversationFilter.all()).nodes()).singleElement().satisfies(v -> {
                assertThat(v.unreadCount()).isEqualTo(1);
                assertThat(v.messageCount()).isEqualTo(3);
                assertThat(v.lastMessage().body()).isEqualTo("reply 2");
            });
            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx.transactionId())).nodes())
                    .singleElement().satisfies(v -> assertThat(v.unreadCount()).isEqualTo(2));

            chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE);

            assertThat(list(tx.user(), ConversationFilter.all()).nodes()).singleElement()
                    .satisfies(v -> assertThat(v.unreadCount()).isZero());
            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx.transactionId())).nodes())
                    .singleElement().satisfies(v -> assertThat(v.unreadCount()).isEqualTo(2));
        }

        @Test
        void markReadSetsReadAtOnTheOtherSidesMessagesAndReturnsHowMany() {
            TxChat tx = openTransactionChat();
            chat.postMessage(admin, tx.id(), NewMessage.of("second from staff"));
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("from the user"));
            Instant readTime = clock.advance(Duration.ofMinutes(3));

            ReadReceipt receipt = chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE);

            assertThat(receipt.conversationId()).isEqualTo(tx.id());
            assertThat(receipt.markedRead()).isEqualTo(2);
            assertThat(receipt.readAt()).isEqualTo(readTime);
            assertThat(messages(tx.user(), tx.id()))
                    .extracting(ParticipantMessage::sentByType, ParticipantMessage::readAt)
                    .containsExactly(
                            tuple(ParticipantType.SERVICE, readTime),
                            tuple(ParticipantType.SERVICE, readTime),
                            tuple(ParticipantType.BUSINESS, null));
            assertThat(chat.getConversation(tx.user(), tx.id()).unreadCount()).isZero();
            assertThat(chat.getConversation(admin, tx.id()).unreadCount()).isEqualTo(1);

            clock.advance(Duration.ofMinutes(1));
            assertThat(chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE).markedRead()).isZero();
            assertThat(messages(admin, tx.id()).get(0).readAt()).isEqualTo(readTime);

            ReadReceipt staffReceipt = chat.markRead(admin, tx.id(), ParticipantType.BUSINESS);
            assertThat(staffReceipt.markedRead()).isEqualTo(1);
            assertThat(chat.getConversation(admin, tx.id()).unreadCount()).isZero();
            assertThat(messages(admin, tx.id()).get(2).readAt()).isEqualTo(staffReceipt.readAt());
        }

        @Test
        void markReadWithTheCallersOwnSideMarksNothing() {
            TxChat tx = openTransactionChat();
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("from the user"));

            assertThat(chat.markRead(tx.user(), tx.id(), ParticipantType.BUSINESS).markedRead()).isZero();
            assertThat(chat.markRead(admin, tx.id(), ParticipantType.SERVICE).markedRead()).isZero();

            assertThat(messages(admin, tx.id())).extracting(ParticipantMessage::readAt).containsOnlyNulls();
            assertThat(chat.getConversation(admin, tx.id()).unreadCount()).isEqualTo(1);
            assertThat(chat.getConversation(tx.user(), tx.id()).unreadCount()).isEqualTo(1);
        }

        @Test
        void readStateIsKeptPerSideNotPerStaffUser() {
            TxChat tx = openTransactionChat();
            Actor otherStaff = staff(VIEW, WRITE);
            chat.postMessage(tx.user(), tx.id(), NewMessage.of("from the user"));

            chat.markRead(otherStaff, tx.id(), ParticipantType.BUSINESS);

            assertThat(chat.getConversation(admin, tx.id()).unreadCount()).isZero();
        }
    }

    // =====================================================================================
    // Rules: deletion
    // =====================================================================================

    @Nested
    class Deletion {

        @Test
        void aDeletedConversationIsGoneFromBusinessUsersListsAndReads() {
            TxChat tx = openTransactionChat();

            chat.deleteConversation(admin, tx.id());

            Actor user = tx.user();
            assertNotFound(() -> chat.getConversation(user, tx.id()));
            assertNotFound(() -> chat.listMessages(user, tx.id(), PageRequest.first(10)));
            assertNotFound(() -> chat.postMessage(user, tx.id(), NewMessage.of("hello?")));
            assertNotFound(() -> chat.markRead(user, tx.id(), ParticipantType.SERVICE));
            assertThat(list(user, ConversationFilter.all()).totalCount()).isZero();
            assertThat(list(user, ConversationFilter.all().includingDeleted()).totalCount()).isZero();
        }

        @Test
        void staffSeeADeletedConversationOnlyWithIncludingDeleted() {
            TxChat tx = openTransactionChat();

            chat.deleteConversation(admin, tx.id());

            ConversationFilter byTransaction = ConversationFilter.all().withTransactionId(tx.transactionId());
            assertThat(list(admin, byTransaction).totalCount()).isZero();
            assertThat(list(admin, ConversationFilter.all().withParticipantId(tx.user().userId())).nodes()).isEmpty();
            Page<ConversationView> withDeleted = list(admin, byTransaction.includingDeleted());
            assertThat(withDeleted.totalCount()).isEqualTo(1);
            assertThat(withDeleted.nodes()).singleElement().satisfies(v -> {
                assertThat(v.id()).isEqualTo(tx.id());
                assertThat(v.conversation().status()).isEqualTo(ConversationStatus.DELETED);
                assertThat(v.messageCount()).isEqualTo(1);
            });
        }

        @Test
        void reopeningADeletedTransactionChatCreatesANewConversation() {
            TxChat tx = openTransactionChat();
            chat.deleteConversation(admin, tx.id());

            TransactionChat reopened = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx.transactionId(), ref(tx.user()), NewMessage.of("new topic")));

            assertThat(reopened.created()).isTrue();
            assertThat(reopened.conversation().id()).isNotEqualTo(tx.id());
            assertThat(reopened.ticket().id()).isEqualTo(tx.result().ticket().id());
            assertThat(reopened.message().sequence()).isEqualTo(1);
            assertThat(ids(list(tx.user(), ConversationFilter.all()))).containsExactly(reopened.conversation().id());
            assertThat(ids(list(admin, ConversationFilter.all().withTransactionId(tx.transactionId())
                    .includingDeleted()))).containsExactlyInAnyOrder(tx.id(), reopened.conversation().id());

            TransactionChat again = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx.transactionId(), ref(tx.user()), NewMessage.of("more")));
            assertThat(again.created()).isFalse();
            assertThat(again.conversation().id()).isEqualTo(reopened.conversation().id());
        }

        @Test
        void postingIntoADeletedConversationAsStaffIsAConflict() {
            TxChat tx = openTransactionChat();
            chat.deleteConversation(admin, tx.id());

            assertConflict(() -> chat.postMessage(admin, tx.id(), NewMessage.of("too late")));

            assertThat(list(admin, ConversationFilter.all().withTransactionId(tx.transactionId()).includingDeleted())
                    .nodes()).singleElement().satisfies(v -> assertThat(v.messageCount()).isEqualTo(1));
        }

        @Test
        void deletingTwiceIsHarmless() {
            TxChat tx = openTransactionChat();

            chat.deleteConversation(admin, tx.id());
            assertThatCode(() -> chat.deleteConversation(admin, tx.id())).doesNotThrowAnyException();

            assertThat(eventsOf(ChatEvent.ConversationDeleted.class)).hasSize(1);
        }

        @Test
        void deletingADirectChatHidesItFromItsBusinessUser() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");

            chat.deleteConversation(admin, id);

            assertNotFound(() -> chat.getConversation(user, id));
            assertThat(list(user, ConversationFilter.all()).nodes()).isEmpty();
        }
    }

    // =====================================================================================
    // Participants
    // =====================================================================================

    @Nested
    class Participants {

        @Test
        void addingAParticipantTwiceReturnsTheSameOne() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");
            ParticipantRef colleague = ParticipantRef.serviceUser(uid("staff"));
            events.clear();

            Participant first = chat.addParticipant(admin, id, colleague);
            Participant second = chat.addParticipant(admin, id, colleague);

            assertThat(first.type()).isEqualTo(ParticipantType.SERVICE);
            assertThat(first.userId()).isEqualTo(colleague.userId());
            assertThat(first.isActive()).isTrue();
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(activeParticipants(id)).filteredOn(p -> p.is(colleague)).hasSize(1);
            assertThat(eventsOf(ChatEvent.ParticipantAdded.class)).hasSize(1);
        }

        @Test
        void anAddedBusinessUserSeesTheConversationAndARemovedOneNoLonger() {
            String org = uid("org");
            Actor user = businessUser(org);
            Actor colleague = businessUser(org);
            ConversationId id = startDirect(user, "hello");
            assertNotFound(() -> chat.getConversation(colleague, id));

            Participant added = chat.addParticipant(admin, id, ref(colleague));

            assertThat(chat.getConversation(colleague, id).messageCount()).isEqualTo(1);
            assertThat(ids(list(colleague, ConversationFilter.all()))).containsExactly(id);

            clock.advance(Duration.ofMinutes(1));
            chat.removeParticipant(admin, id, added.id());

            assertNotFound(() -> chat.getConversation(colleague, id));
            assertNotFound(() -> chat.listMessages(colleague, id, PageRequest.first(10)));
            assertNotFound(() -> chat.postMessage(colleague, id, NewMessage.of("still here?")));
            assertThat(list(colleague, ConversationFilter.all()).totalCount()).isZero();
            assertThat(chat.getConversation(admin, id).conversation().participant(added.id()))
                    .hasValueSatisfying(p -> assertThat(p.leftAt()).isEqualTo(clock.instant()));
            assertThat(chat.getConversation(user, id).messageCount()).isEqualTo(1);
        }

        @Test
        void aRemovedParticipantKeepsTheirMessages() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");
            Actor writer = staff(WRITE);
            ParticipantMessage written = chat.postMessage(writer, id, NewMessage.of("from the writer"));

            chat.removeParticipant(admin, id, written.sender().id());

            assertThat(messages(user, id)).extracting(ParticipantMessage::body)
                    .containsExactly("hello", "from the writer");
            assertThat(activeParticipants(id)).extracting(Participant::id).doesNotContain(written.sender().id());
        }

        @Test
        void aRemovedParticipantNoLongerMatchesTheParticipantFilter() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");
            Actor colleague = staff();
            Participant added = chat.addParticipant(admin, id, ParticipantRef.serviceUser(colleague.userId()));
            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(colleague.userId()))))
                    .containsExactly(id);

            chat.removeParticipant(admin, id, added.id());

            assertThat(list(admin, ConversationFilter.all().withParticipantId(colleague.userId())).totalCount())
                    .isZero();
        }

        @Test
        void removingAParticipantThatIsNotInTheConversationIsNotFound() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");
            ConversationId other = startDirect(businessUser(uid("org")), "other");
            Participant ofOther = participantWhere(chat.getConversation(admin, other).conversation(),
                    ParticipantType.BUSINESS);

            assertNotFound(() -> chat.removeParticipant(admin, id, ParticipantId.random()));
            assertNotFound(() -> chat.removeParticipant(admin, id, ofOther.id()));

            assertThat(activeParticipants(other)).extracting(Participant::id).contains(ofOther.id());
        }
    }

    // =====================================================================================
    // Tickets
    // =====================================================================================

    @Nested
    class Tickets {

        private String tx;
        private Actor payer;
        private Actor payee;
        private ConversationId withPayer;
        private ConversationId withPayee;

        @BeforeEach
        void aTransactionWithTwoBusinessUsers() {
            payer = businessUser(uid("org"));
            payee = businessUser(uid("org"));
            tx = uid("tx");
            directory.register(tx, DETAILS, owner(payer), owner(payee));
            withPayer = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ref(payer), NewMessage.of("to payer"))).conversation().id();
            withPayee = chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx, ref(payee), NewMessage.of("to payee"))).conversation().id();
        }

        @Test
        void staffSeeTheTicketDetailsAndEveryConversation() {
            TransactionTicket ticket = chat.ticket(staff(VIEW), tx);

            assertThat(ticket.transactionId()).isEqualTo(tx);
            assertThat(ticket.details()).isEqualTo(DETAILS);
            assertThat(ticket.conversations()).extracting(Conversation::id)
                    .containsExactlyInAnyOrder(withPayer, withPayee);
            assertThat(ticket.conversations()).allSatisfy(c -> assertThat(c.ticketId()).isEqualTo(ticket.id()));
        }

        @Test
        void aBusinessUserOnTheTicketSeesOnlyTheirOwnConversation() {
            assertThat(chat.ticket(payer, tx).conversations()).extracting(Conversation::id).containsExactly(withPayer);
            assertThat(chat.ticket(payee, tx).conversations()).extracting(Conversation::id).containsExactly(withPayee);
        }

        @Test
        void aBusinessUserNotOnTheTicketGetsNotFound() {
            assertNotFound(() -> chat.ticket(businessUser(uid("org")), tx));
            assertNotFound(() -> chat.ticket(businessUser(payer.organizationId()), tx));
        }

        @Test
        void anUnknownTicketIsNotFound() {
            assertNotFound(() -> chat.ticket(admin, uid("tx")));
        }
    }

    // =====================================================================================
    // Rules: paging
    // =====================================================================================

    @Nested
    class Paging {

        private ConversationId sevenMessages(Actor user) {
            ConversationId id = startDirect(user, "message 1");
            for (int i = 2; i <= 7; i++) {
                clock.advance(Duration.ofSeconds(1));
                chat.postMessage(i % 2 == 0 ? user : admin, id, NewMessage.of("message " + i));
            }
            return id;
        }

        @Test
        void messagesComeOldestFirstAndWalkForwardPageByPage() {
            Actor user = businessUser(uid("org"));
            ConversationId id = sevenMessages(user);

            Page<ParticipantMessage> page1 = chat.listMessages(user, id, PageRequest.first(3));
            assertThat(sequences(page1.nodes())).containsExactly(1L, 2L, 3L);
            assertThat(page1.nodes()).extracting(ParticipantMessage::body)
                    .containsExactly("message 1", "message 2", "message 3");
            assertThat(page1.totalCount()).isEqualTo(7);
            assertThat(page1.pageInfo().hasNextPage()).isTrue();
            assertThat(page1.pageInfo().hasPreviousPage()).isFalse();
            assertThat(page1.pageInfo().startCursor()).isNotNull();
            assertThat(page1.pageInfo().endCursor()).isNotNull();

            Page<ParticipantMessage> page2 = chat.listMessages(user, id, PageRequest.first(3, page1.pageInfo().endCursor()));
            assertThat(sequences(page2.nodes())).containsExactly(4L, 5L, 6L);
            assertThat(page2.totalCount()).isEqualTo(7);
            assertThat(page2.pageInfo().hasNextPage()).isTrue();
            assertThat(page2.pageInfo().hasPreviousPage()).isTrue();

            Page<ParticipantMessage> page3 = chat.listMessages(user, id, PageRequest.first(3, page2.pageInfo().endCursor()));
            assertThat(sequences(page3.nodes())).containsExactly(7L);
            assertThat(page3.pageInfo().hasNextPage()).isFalse();
            assertThat(page3.pageInfo().hasPreviousPage()).isTrue();

            Page<ParticipantMessage> beyond = chat.listMessages(user, id, PageRequest.first(3, page3.pageInfo().endCursor()));
            assertThat(beyond.nodes()).isEmpty();
            assertThat(beyond.pageInfo().hasNextPage()).isFalse();
            assertThat(beyond.totalCount()).isEqualTo(7);

            Page<ParticipantMessage> all = chat.listMessages(user, id, PageRequest.first(100));
            assertThat(sequences(all.nodes())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(all.pageInfo().hasNextPage()).isFalse();
            assertThat(all.pageInfo().hasPreviousPage()).isFalse();
        }

        @Test
        void messagesWalkBackwardPageByPageStillOldestFirstWithinAPage() {
            Actor user = businessUser(uid("org"));
            ConversationId id = sevenMessages(user);

            Page<ParticipantMessage> last = chat.listMessages(admin, id, PageRequest.last(3));
            assertThat(sequences(last.nodes())).containsExactly(5L, 6L, 7L);
            assertThat(last.totalCount()).isEqualTo(7);
            assertThat(last.pageInfo().hasPreviousPage()).isTrue();
            assertThat(last.pageInfo().hasNextPage()).isFalse();

            Page<ParticipantMessage> before = chat.listMessages(admin, id,
                    PageRequest.last(3, last.pageInfo().startCursor()));
            assertThat(sequences(before.nodes())).containsExactly(2L, 3L, 4L);
            assertThat(before.pageInfo().hasPreviousPage()).isTrue();
            assertThat(before.pageInfo().hasNextPage()).isTrue();

            Page<ParticipantMessage> first = chat.listMessages(admin, id,
                    PageRequest.last(3, before.pageInfo().startCursor()));
            assertThat(sequences(first.nodes())).containsExactly(1L);
            assertThat(first.pageInfo().hasPreviousPage()).isFalse();
            assertThat(first.pageInfo().hasNextPage()).isTrue();

            // cursors work in both directions: forward from the start of a backward page
            Page<ParticipantMessage> forward = chat.listMessages(admin, id,
                    PageRequest.first(2, before.pageInfo().startCursor()));
            assertThat(sequences(forward.nodes())).containsExactly(3L, 4L);
        }

        @Test
        void conversationsComeNewestActivityFirst() {
            String org = uid("org");
            Actor user = businessUser(org);
            ConversationId c1 = startDirect(user, "first");
            clock.advance(Duration.ofMinutes(1));
            ConversationId c2 = startDirect(user, "second");
            clock.advance(Duration.ofMinutes(1));
            ConversationId c3 = chat.startConversation(admin, StartConversation.with(ref(user))).id();
            clock.advance(Duration.ofMinutes(1));
            chat.postMessage(user, c1, NewMessage.of("bumps the first"));

            assertThat(ids(list(user, ConversationFilter.all()))).containsExactly(c1, c3, c2);
            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(org)))).containsExactly(c1, c3, c2);

            clock.advance(Duration.ofMinutes(1));
            chat.postMessage(admin, c2, NewMessage.of("bumps the second"));
            assertThat(ids(list(user, ConversationFilter.all()))).containsExactly(c2, c1, c3);
        }

        @Test
        void conversationsWalkForwardAndBackwardPageByPage() {
            String org = uid("org");
            Actor user = businessUser(org);
            List<ConversationId> newestFirst = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                newestFirst.add(0, startDirect(user, "conversation " + i));
                clock.advance(Duration.ofMinutes(1));
            }
            ConversationFilter filter = ConversationFilter.all().withParticipantId(org);

            List<ConversationId> forward = new ArrayList<>();
            Page<ConversationView> page = chat.listConversations(admin, filter, PageRequest.first(2));
            assertThat(page.pageInfo().hasPreviousPage()).isFalse();
            forward.addAll(ids(page));
            while (page.pageInfo().hasNextPage()) {
                assertThat(page.totalCount()).isEqualTo(5);
                page = chat.listConversations(admin, filter, PageRequest.first(2, page.pageInfo().endCursor()));
                assertThat(page.pageInfo().hasPreviousPage()).isTrue();
                forward.addAll(ids(page));
            }
            assertThat(forward).containsExactlyElementsOf(newestFirst);

            List<ConversationId> backward = new ArrayList<>();
            page = chat.listConversations(user, ConversationFilter.all(), PageRequest.last(2));
            assertThat(ids(page)).containsExactlyElementsOf(newestFirst.subList(3, 5));
            assertThat(page.pageInfo().hasNextPage()).isFalse();
            backward.addAll(0, ids(page));
            while (page.pageInfo().hasPreviousPage()) {
                page = chat.listConversations(user, ConversationFilter.all(),
                        PageRequest.last(2, page.pageInfo().startCursor()));
                assertThat(page.pageInfo().hasNextPage()).isTrue();
                assertThat(page.totalCount()).isEqualTo(5);
                backward.addAll(0, ids(page));
            }
            assertThat(backward).containsExactlyElementsOf(newestFirst);
        }

        @Test
        void listFiltersMatchUserIdOrOrganizationIdTypeKindAndTransaction() {
            String org = uid("org");
            Actor user = businessUser(org);
            Actor starter = staff(CREATE);
            ConversationId direct = chat.startConversation(starter, StartConversation.with(ref(user))).id();
            TxChat tx = openTransactionChat(user);
            ConversationId thread = chat.accountThread(admin, org).id();

            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(user.userId()))))
                    .containsExactlyInAnyOrder(direct, tx.id());
            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(org))))
                    .containsExactlyInAnyOrder(direct, tx.id(), thread);
            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(org)
                    .withKind(ConversationKind.ACCOUNT)))).containsExactly(thread);
            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(org)
                    .withTransactionId(tx.transactionId())))).containsExactly(tx.id());
            assertThat(ids(list(admin, ConversationFilter.all().withParticipantId(starter.userId())
                    .withParticipantType(ParticipantType.SERVICE)))).containsExactly(direct);
            assertThat(list(admin, ConversationFilter.all().withParticipantId(starter.userId())
                    .withParticipantType(ParticipantType.BUSINESS)).totalCount()).isZero();
            assertThat(list(admin, ConversationFilter.all().withParticipantId(org)
                    .withParticipantType(ParticipantType.SERVICE)).totalCount()).isZero();
        }

        @Test
        void aPageSizeOutsideOneToAHundredFailsOnFirstOrLast() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");
            ConversationFilter mine = ConversationFilter.all().withParticipantId(user.userId());

            for (int size : new int[] {0, -1, 101}) {
                assertInvalid("first", () -> chat.listMessages(user, id, PageRequest.first(size)));
                assertInvalid("last", () -> chat.listMessages(user, id, PageRequest.last(size)));
                assertInvalid("first", () -> chat.listConversations(admin, mine, PageRequest.first(size)));
                assertInvalid("last", () -> chat.listConversations(admin, mine, PageRequest.last(size)));
                assertInvalid("first", () -> chat.listConversations(user, ConversationFilter.all(),
                        PageRequest.first(size)));
            }
            assertThat(chat.listMessages(user, id, PageRequest.first(100)).nodes()).hasSize(1);
            assertThat(chat.listConversations(admin, mine, PageRequest.last(100)).nodes()).hasSize(1);
            assertThat(chat.listMessages(user, id, PageRequest.last(1)).nodes()).hasSize(1);
        }

        @Test
        void aCursorNotIssuedByTheLibraryFailsOnAfterOrBefore() {
            Actor user = businessUser(uid("org"));
            ConversationId id = sevenMessages(user);
            ConversationFilter mine = ConversationFilter.all().withParticipantId(user.userId());

            for (String forged : List.of("abc", "%%%", "0", "-1", "9223372036854775807")) {
                assertInvalid("after", () -> chat.listMessages(user, id, PageRequest.first(3, forged)));
                assertInvalid("before", () -> chat.listMessages(user, id, PageRequest.last(3, forged)));
                assertInvalid("after", () -> chat.listConversations(admin, mine, PageRequest.first(3, forged)));
                assertInvalid("before", () -> chat.listConversations(user, ConversationFilter.all(),
                        PageRequest.last(3, forged)));
            }
        }

        @Test
        void aModifiedCursorFailsOnAfterOrBefore() {
            Actor user = businessUser(uid("org"));
            ConversationId id = sevenMessages(user);
            startDirect(user, "another conversation");
            String messageCursor = chat.listMessages(user, id, PageRequest.first(3)).pageInfo().endCursor();
            String conversationCursor = chat.listConversations(user, ConversationFilter.all(), PageRequest.first(1))
                    .pageInfo().endCursor();

            for (String tampered : tamperings(messageCursor)) {
                assertInvalid("after", () -> chat.listMessages(user, id, PageRequest.first(3, tampered)));
                assertInvalid("before", () -> chat.listMessages(user, id, PageRequest.last(3, tampered)));
            }
            for (String tampered : tamperings(conversationCursor)) {
                assertInvalid("after", () -> chat.listConversations(user, ConversationFilter.all(),
                        PageRequest.first(3, tampered)));
                assertInvalid("before", () -> chat.listConversations(user, ConversationFilter.all(),
                        PageRequest.last(3, tampered)));
            }
        }

        @Test
        void aCursorFromTheConversationListFailsForMessagesAndBackAgain() {
            Actor user = businessUser(uid("org"));
            ConversationId id = sevenMessages(user);
            startDirect(user, "another conversation");
            String conversationCursor = chat.listConversations(user, ConversationFilter.all(), PageRequest.first(1))
                    .pageInfo().endCursor();
            String messageCursor = chat.listMessages(user, id, PageRequest.first(3)).pageInfo().endCursor();

            assertInvalid("after", () -> chat.listMessages(user, id, PageRequest.first(3, conversationCursor)));
            assertInvalid("before", () -> chat.listMessages(user, id, PageRequest.last(3, conversationCursor)));
            assertInvalid("after", () -> chat.listConversations(user, ConversationFilter.all(),
                    PageRequest.first(3, messageCursor)));
            assertInvalid("before", () -> chat.listConversations(admin,
                    ConversationFilter.all().withParticipantId(user.userId()), PageRequest.last(3, messageCursor)));
        }

        @Test
        void aMessageCursorFromAnotherConversationFailsOnAfterOrBefore() {
            Actor user = businessUser(uid("org"));
            ConversationId mine = sevenMessages(user);
            ConversationId other = sevenMessages(user);
            Page<ParticipantMessage> ofOther = chat.listMessages(user, other, PageRequest.first(3));

            assertInvalid("after", () -> chat.listMessages(user, mine,
                    PageRequest.first(3, ofOther.pageInfo().endCursor())));
            assertInvalid("before", () -> chat.listMessages(user, mine,
                    PageRequest.last(3, ofOther.pageInfo().endCursor())));
            assertInvalid("after", () -> chat.listMessages(admin, mine,
                    PageRequest.first(3, ofOther.pageInfo().startCursor())));
        }
    }

    // =====================================================================================
    // Message content
    // =====================================================================================

    @Nested
    class Content {

        private ConversationId conversation;
        private Actor user;

        @BeforeEach
        void aConversation() {
            user = businessUser(uid("org"));
            conversation = startDirect(user, "hello");
        }

        @Test
        void aBodyOfMoreThanFourThousandCharactersFailsOnBody() {
            assertInvalid("body", () -> chat.postMessage(user, conversation, NewMessage.of("a".repeat(4001))));
            assertInvalid("body", () -> chat.postMessage(admin, conversation,
                    NewMessage.of("\uD83D\uDE00".repeat(4001))));

            assertThat(chat.getConversation(admin, conversation).messageCount()).isEqualTo(1);
        }

        @Test
        void aBodyOfFourThousandCodePointsIsStoredUnchanged() {
            String longest = "a".repeat(4000);
            String emoji = "\uD83D\uDE00".repeat(4000);

            chat.postMessage(user, conversation, NewMessage.of(longest));
            chat.postMessage(admin, conversation, NewMessage.of(emoji));

            assertThat(messages(user, conversation)).extracting(ParticipantMessage::body)
                    .containsExactly("hello", longest, emoji);
        }

        @Test
        void controlCharactersInABodyFailOnBody() {
            for (String bad : List.of("nul \u0000 here", "bell \u0007", "escape \u001B[31m", "del \u007F",
                    "lone surrogate \uD83D here")) {
                assertInvalid("body", () -> chat.postMessage(user, conversation, NewMessage.of(bad)));
            }
            assertThat(chat.getConversation(admin, conversation).messageCount()).isEqualTo(1);
        }

        @Test
        void aBlankBodyFailsOnBody() {
            for (String blank : List.of("", "   ", "\n\t ")) {
                assertInvalid("body", () -> chat.postMessage(user, conversation, NewMessage.of(blank)));
            }
            assertInvalid("body", () -> chat.postMessage(user, conversation, new NewMessage(null, null)));
        }

        @Test
        void newlinesTabsAndUnicodeAreKeptAndTheBodyIsTrimmed() {
            ParticipantMessage posted = chat.postMessage(user, conversation,
                    NewMessage.of("  line one\n\tline two — ünïcødé 日本語 \uD83D\uDC4D  "));

            assertThat(posted.body()).isEqualTo("line one\n\tline two — ünïcødé 日本語 \uD83D\uDC4D");
            assertThat(messages(user, conversation).get(1).body()).isEqualTo(posted.body());
        }

        @Test
        void cardNumbersAreStoredMaskedToTheirLastFourDigits() {
            ParticipantMessage spaced = chat.postMessage(user, conversation,
                    NewMessage.of("My card 4111 1111 1111 1111 was declined"));
            ParticipantMessage dashed = chat.postMessage(user, conversation, NewMessage.of("4111-1111-1111-1111"));
            ParticipantMessage plain = chat.postMessage(admin, conversation, NewMessage.of("is it 4111111111111111?"));
            ParticipantMessage notACard = chat.postMessage(admin, conversation, NewMessage.of("Invoice 12345, 2 items"));

            assertThat(spaced.body()).isEqualTo("My card **** 1111 was declined");
            assertThat(dashed.body()).isEqualTo("**** 1111");
            assertThat(plain.body()).isEqualTo("is it **** 1111?");
            assertThat(notACard.body()).isEqualTo("Invoice 12345, 2 items");
            assertThat(messages(admin, conversation)).extracting(ParticipantMessage::body)
                    .noneMatch(b -> b.contains("4111 1111") || b.contains("4111-1111") || b.contains("41111111"));
            assertThat(eventsOf(ChatEvent.MessagePosted.class)).extracting(e -> e.message().body())
                    .noneMatch(b -> b.contains("4111 1111"));
        }

        @Test
        void aCardNumberInTheOpeningMessageOfATransactionChatIsMasked() {
            Actor owner = businessUser(uid("org"));
            String tx = registerTransaction(owner);

            TransactionChat opened = chat.openTransactionChat(admin, new OpenTransactionChat(tx, ref(owner),
                    NewMessage.of("Was 4111 1111 1111 1111 your card?")));

            assertThat(opened.message().body()).isEqualTo("Was **** 1111 your card?");
            assertThat(messages(owner, opened.conversation().id()).get(0).body()).isEqualTo("Was **** 1111 your card?");
        }

        @Test
        void aSubjectOfMoreThanTwoHundredCharactersFailsOnSubject() {
            assertInvalid("subject", () -> chat.startConversation(admin,
                    new StartConversation(ref(user), "s".repeat(201), null)));
            assertThat(chat.startConversation(admin, new StartConversation(ref(user), "s".repeat(200), null))
                    .subject()).hasSize(200);
        }

        @Test
        void anOverlongClientMessageIdIsRejected() {
            assertThatThrownBy(() -> chat.postMessage(user, conversation, NewMessage.of("x", "c".repeat(129))))
                    .isInstanceOf(ValidationException.class);
            assertThat(chat.getConversation(admin, conversation).messageCount()).isEqualTo(1);
        }
    }

    // =====================================================================================
    // Rules: null or blank required arguments
    // =====================================================================================

    @Nested
    class RequiredArguments {

        private TxChat tx;

        @BeforeEach
        void aTransactionChat() {
            tx = openTransactionChat();
        }

        @Test
        void everyCallWithoutAnActorFailsOnActor() {
            ConversationId id = tx.id();
            String org = tx.user().organizationId();
            assertInvalid("actor", () -> chat.startConversation(null, StartConversation.with(ref(tx.user()))));
            assertInvalid("actor", () -> chat.openTransactionChat(null,
                    new OpenTransactionChat(tx.transactionId(), ref(tx.user()), NewMessage.of("x"))));
            assertInvalid("actor", () -> chat.accountThread(null, org));
            assertInvalid("actor", () -> chat.getConversation(null, id));
            assertInvalid("actor", () -> chat.listConversations(null, ConversationFilter.all(), PageRequest.first(1)));
            assertInvalid("actor", () -> chat.deleteConversation(null, id));
            assertInvalid("actor", () -> chat.addParticipant(null, id, ParticipantRef.serviceUser(uid("staff"))));
            assertInvalid("actor", () -> chat.removeParticipant(null, id, ParticipantId.random()));
            assertInvalid("actor", () -> chat.postMessage(null, id, NewMessage.of("x")));
            assertInvalid("actor", () -> chat.listMessages(null, id, PageRequest.first(1)));
            assertInvalid("actor", () -> chat.markRead(null, id, ParticipantType.SERVICE));
            assertInvalid("actor", () -> chat.ticket(null, tx.transactionId()));
            assertThat(chat.getConversation(admin, id).messageCount()).isEqualTo(1);
        }

        @Test
        void startingAConversationWithoutRequestOrPartnerFailsNamingIt() {
            assertInvalid("request", () -> chat.startConversation(admin, null));
            assertInvalid("with", () -> chat.startConversation(admin, new StartConversation(null, "subject", null)));
            assertInvalid("body", () -> chat.startConversation(admin,
                    new StartConversation(ref(tx.user()), null, NewMessage.of("  "))));
            assertThat(list(admin, ConversationFilter.all().withParticipantId(tx.user().userId())).totalCount())
                    .isEqualTo(1);
        }

        @Test
        void openingATransactionChatWithoutItsArgumentsFailsNamingThem() {
            ParticipantRef user = ref(tx.user());
            String txId = tx.transactionId();
            assertInvalid("request", () -> chat.openTransactionChat(admin, null));
            assertInvalid("transactionId", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(null, user, NewMessage.of("x"))));
            assertInvalid("transactionId", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat("   ", user, NewMessage.of("x"))));
            assertInvalid("businessUser", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(txId, null, NewMessage.of("x"))));
            assertInvalid("message", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(txId, user, null)));
            assertInvalid("body", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(txId, user, new NewMessage(null, null))));
            assertInvalid("body", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(txId, user, NewMessage.of(" \n "))));
            assertThat(chat.getConversation(admin, tx.id()).messageCount()).isEqualTo(1);
        }

        @Test
        void anAccountThreadWithoutAnOrganizationFailsOnOrganizationId() {
            assertInvalid("organizationId", () -> chat.accountThread(admin, null));
            assertInvalid("organizationId", () -> chat.accountThread(admin, ""));
            assertInvalid("organizationId", () -> chat.accountThread(admin, "   "));
            assertInvalid("organizationId", () -> chat.accountThread(admin, "o".repeat(129)));
        }

        @Test
        void readingWithoutAnIdFilterOrPageFailsNamingIt() {
            assertInvalid("id", () -> chat.getConversation(admin, null));
            assertInvalid("filter", () -> chat.listConversations(admin, null, PageRequest.first(10)));
            assertInvalid("page", () -> chat.listConversations(admin, ConversationFilter.all(), null));
            assertInvalid("id", () -> chat.listMessages(admin, null, PageRequest.first(10)));
            assertInvalid("page", () -> chat.listMessages(admin, tx.id(), null));
            assertInvalid("page", () -> chat.listMessages(tx.user(), tx.id(), null));
        }

        @Test
        void writingWithoutAnIdOrMessageFailsNamingIt() {
            assertInvalid("id", () -> chat.postMessage(admin, null, NewMessage.of("x")));
            assertInvalid("message", () -> chat.postMessage(admin, tx.id(), null));
            assertInvalid("body", () -> chat.postMessage(admin, tx.id(), new NewMessage(null, "client-1")));
            assertInvalid("id", () -> chat.markRead(admin, null, ParticipantType.BUSINESS));
            assertInvalid("sentBy", () -> chat.markRead(admin, tx.id(), null));
            assertInvalid("sentBy", () -> chat.markRead(tx.user(), tx.id(), null));
            assertThat(chat.getConversation(admin, tx.id()).messageCount()).isEqualTo(1);
        }

        @Test
        void managingWithoutAnIdOrParticipantFailsNamingIt() {
            assertInvalid("id", () -> chat.deleteConversation(admin, null));
            assertInvalid("id", () -> chat.addParticipant(admin, null, ParticipantRef.serviceUser(uid("staff"))));
            assertInvalid("who", () -> chat.addParticipant(admin, tx.id(), null));
            assertInvalid("id", () -> chat.removeParticipant(admin, null, ParticipantId.random()));
            assertInvalid("participant", () -> chat.removeParticipant(admin, tx.id(), null));
            assertThat(activeParticipants(tx.id())).hasSize(2);
        }

        @Test
        void aTicketWithoutATransactionIdFailsOnTransactionId() {
            assertInvalid("transactionId", () -> chat.ticket(admin, null));
            assertInvalid("transactionId", () -> chat.ticket(admin, ""));
            assertInvalid("transactionId", () -> chat.ticket(admin, "  "));
            assertInvalid("transactionId", () -> chat.ticket(tx.user(), null));
        }
    }

    // =====================================================================================
    // Idempotent posting
    // =====================================================================================

    @Nested
    class ClientMessageIds {

        @Test
        void aRepeatedClientMessageIdReturnsTheFirstMessageAndStoresNothing() {
            Actor user = businessUser(uid("org"));
            ConversationId id = startDirect(user, "hello");

            ParticipantMessage first = chat.postMessage(user, id, NewMessage.of("pay me", "client-42"));
            events.clear();
            clock.advance(Duration.ofMinutes(1));
            ParticipantMessage retry = chat.postMessage(user, id, NewMessage.of("pay me", "client-42"));
            ParticipantMessage changedBody = chat.postMessage(user, id, NewMessage.of("something else", "client-42"));

            assertThat(retry.id()).isEqualTo(first.id());
            assertThat(retry.sequence()).isEqualTo(first.sequence());
            assertThat(retry.createdAt()).isEqualTo(first.createdAt());
            assertThat(changedBody.id()).isEqualTo(first.id());
            assertThat(changedBody.body()).isEqualTo("pay me");
            assertThat(first.message().clientMessageId()).isEqualTo("client-42");
            assertThat(chat.getConversation(admin, id).messageCount()).isEqualTo(2);
            assertThat(chat.getConversation(admin, id).unreadCount()).isEqualTo(1);
            assertThat(messages(admin, id)).hasSize(2);
            assertThat(eventsOf(ChatEvent.MessagePosted.class)).isEmpty();
        }

        @Test
        void theSameClientMessageIdInAnotherConversationIsANewMessage() {
            Actor user = businessUser(uid("org"));
            ConversationId one = startDirect(user, "one");
            ConversationId two = startDirect(user, "two");

            ParticipantMessage inOne = chat.postMessage(user, one, NewMessage.of("same", "client-7"));
            ParticipantMessage inTwo = chat.postMessage(user, two, NewMessage.of("same", "client-7"));

            assertThat(inTwo.id()).isNotEqualTo(inOne.id());
            assertThat(chat.getConversation(user, two).messageCount()).isEqualTo(2);
        }
    }

    // =====================================================================================
    // Events
    // =====================================================================================

    @Nested
    class Events {

        @Test
        void startingAConversationAnnouncesItAndItsFirstMessage() {
            Actor user = businessUser(uid("org"));

            Conversation started = chat.startConversation(admin,
                    new StartConversation(ref(user), null, NewMessage.of("hello")));

            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).singleElement().satisfies(e -> {
                assertThat(e.conversation().id()).isEqualTo(started.id());
                assertThat(e.actor()).isEqualTo(admin);
            });
            assertThat(eventsOf(ChatEvent.MessagePosted.class)).singleElement().satisfies(e -> {
                assertThat(e.conversationId()).isEqualTo(started.id());
                assertThat(e.message().body()).isEqualTo("hello");
            });
            assertThat(events.indexOf(eventsOf(ChatEvent.ConversationStarted.class).get(0)))
                    .isLessThan(events.indexOf(eventsOf(ChatEvent.MessagePosted.class).get(0)));
        }

        @Test
        void openingATransactionChatAnnouncesItOnceAndEachMessage() {
            TxChat tx = openTransactionChat();
            chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx.transactionId(), ref(tx.user()), NewMessage.of("again")));

            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).singleElement()
                    .satisfies(e -> assertThat(e.conversationId()).isEqualTo(tx.id()));
            assertThat(eventsOf(ChatEvent.MessagePosted.class)).extracting(e -> e.message().body())
                    .containsExactly("Hello about your payment", "again");
        }

        @Test
        void postingAnnouncesTheMessage() {
            TxChat tx = openTransactionChat();
            events.clear();

            ParticipantMessage posted = chat.postMessage(tx.user(), tx.id(), NewMessage.of("reply"));

            assertThat(events).singleElement().isInstanceOfSatisfying(ChatEvent.MessagePosted.class, e -> {
                assertThat(e.conversationId()).isEqualTo(tx.id());
                assertThat(e.message().id()).isEqualTo(posted.id());
                assertThat(e.message().sequence()).isEqualTo(2);
                assertThat(e.actor()).isEqualTo(tx.user());
            });
        }

        @Test
        void markingReadAnnouncesTheReceipt() {
            TxChat tx = openTransactionChat();
            events.clear();

            ReadReceipt receipt = chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE);

            assertThat(eventsOf(ChatEvent.MessagesRead.class)).singleElement().satisfies(e -> {
                assertThat(e.conversationId()).isEqualTo(tx.id());
                assertThat(e.sentBy()).isEqualTo(ParticipantType.SERVICE);
                assertThat(e.receipt()).isEqualTo(receipt);
                assertThat(e.receipt().markedRead()).isEqualTo(1);
                assertThat(e.actor()).isEqualTo(tx.user());
            });
        }

        @Test
        void deletingAnnouncesTheDeletion() {
            TxChat tx = openTransactionChat();
            Instant when = clock.advance(Duration.ofHours(1));
            events.clear();

            chat.deleteConversation(admin, tx.id());

            assertThat(events).singleElement().isInstanceOfSatisfying(ChatEvent.ConversationDeleted.class, e -> {
                assertThat(e.conversationId()).isEqualTo(tx.id());
                assertThat(e.deletedAt()).isEqualTo(when);
                assertThat(e.actor()).isEqualTo(admin);
            });
        }

        @Test
        void addingAndRemovingParticipantsAnnouncesThem() {
            TxChat tx = openTransactionChat();
            events.clear();

            Participant added = chat.addParticipant(admin, tx.id(), ParticipantRef.serviceUser(uid("staff")));
            chat.removeParticipant(admin, tx.id(), added.id());

            assertThat(events).hasSize(2);
            assertThat(events.get(0)).isInstanceOfSatisfying(ChatEvent.ParticipantAdded.class, e -> {
                assertThat(e.conversationId()).isEqualTo(tx.id());
                assertThat(e.participant()).isEqualTo(added);
                assertThat(e.actor()).isEqualTo(admin);
            });
            assertThat(events.get(1)).isInstanceOfSatisfying(ChatEvent.ParticipantRemoved.class, e -> {
                assertThat(e.conversationId()).isEqualTo(tx.id());
                assertThat(e.participant().id()).isEqualTo(added.id());
                assertThat(e.participant().leftAt()).isNotNull();
            });
        }

        @Test
        void aFailedCallAnnouncesNothing() {
            TxChat tx = openTransactionChat();
            Actor stranger = businessUser(uid("org"));
            ConversationId deleted = startDirect(stranger, "to delete");
            chat.deleteConversation(admin, deleted);
            events.clear();

            assertInvalid("body", () -> chat.postMessage(admin, tx.id(), NewMessage.of("\u0000")));
            assertDenied(() -> chat.openTransactionChat(tx.user(),
                    new OpenTransactionChat(tx.transactionId(), ref(tx.user()), NewMessage.of("x"))));
            assertDenied(() -> chat.deleteConversation(staffWithout(DELETE), tx.id()));
            assertNotFound(() -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(uid("tx"), ref(tx.user()), NewMessage.of("x"))));
            assertNotFound(() -> chat.postMessage(stranger, tx.id(), NewMessage.of("x")));
            assertConflict(() -> chat.postMessage(admin, deleted, NewMessage.of("x")));
            assertInvalid("businessUser", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(tx.transactionId(), ref(stranger), NewMessage.of("x"))));

            assertThat(events).isEmpty();
        }

        @Test
        void aThrowingListenerDoesNotFailTheCall() {
            List<ChatEvent> heard = new CopyOnWriteArrayList<>();
            ChatService withFailingListener = ChatService.builder().store(store).transactionDirectory(directory)
                    .clock(clock).listenerTimeout(LISTENER_TIMEOUT)
                    .listener(event -> {
                        throw new IllegalStateException("a listener failing on purpose (expected in this test)");
                    })
                    .listener(heard::add)
                    .build();
            Actor user = businessUser(uid("org"));

            Conversation started = withFailingListener.startConversation(admin,
                    new StartConversation(ref(user), null, NewMessage.of("first")));
            ParticipantMessage posted = withFailingListener.postMessage(user, started.id(), NewMessage.of("second"));

            assertThat(posted.sequence()).isEqualTo(2);
            assertThat(chat.getConversation(admin, started.id()).messageCount()).isEqualTo(2);
            assertThat(heard).filteredOn(ChatEvent.MessagePosted.class::isInstance).hasSize(2);
        }

        @Test
        void listenersHearOfAChangeOnlyAfterItWasCommitted() throws Exception {
            List<Long> countsSeen = new CopyOnWriteArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                ChatService observed = ChatService.builder().store(store).transactionDirectory(directory)
                        .clock(clock).listenerTimeout(LISTENER_TIMEOUT)
                        .listener(event -> {
                            if (event instanceof ChatEvent.MessagePosted posted) {
                                // read from another thread: a store still inside its transaction
                                // would not show the message there yet (or block the reader)
                                try {
                                    countsSeen.add(reader.submit(() -> chat.getConversation(admin,
                                            posted.conversationId()).messageCount()).get(10, SECONDS));
                                } catch (Exception e) {
                                    failures.add(e);
                                }
                            }
                        })
                        .build();
                Actor user = businessUser(uid("org"));
                ConversationId id = observed.startConversation(admin, StartConversation.with(ref(user))).id();

                observed.postMessage(admin, id, NewMessage.of("one"));
                observed.postMessage(user, id, NewMessage.of("two"));

                assertThat(failures).isEmpty();
                assertThat(countsSeen).containsExactly(1L, 2L);
            } finally {
                reader.shutdownNow();
            }
        }
    }

    // =====================================================================================
    // Rules: concurrency
    // =====================================================================================

    @Nested
    class Concurrency {

        @Test
        void openingTheSameTransactionChatFromSixteenThreadsCreatesExactlyOneConversation() throws Exception {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            List<Actor> staffUsers = IntStream.range(0, 4).mapToObj(i -> staff(CREATE)).toList();

            List<TransactionChat> results = Concurrently.run(16, i -> chat.openTransactionChat(staffUsers.get(i % 4),
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("message " + i))));

            ConversationId id = results.get(0).conversation().id();
            assertThat(results).extracting(r -> r.conversation().id()).containsOnly(id);
            assertThat(results).extracting(r -> r.ticket().id()).containsOnly(results.get(0).ticket().id());
            assertThat(results).filteredOn(TransactionChat::created).hasSize(1);
            assertThat(results).extracting(r -> r.message().sequence())
                    .containsExactlyInAnyOrderElementsOf(range(1, 16));

            Page<ConversationView> live = list(admin, ConversationFilter.all().withTransactionId(tx).includingDeleted());
            assertThat(live.totalCount()).isEqualTo(1);
            assertThat(live.nodes()).singleElement().satisfies(v -> {
                assertThat(v.id()).isEqualTo(id);
                assertThat(v.messageCount()).isEqualTo(16);
            });
            List<ParticipantMessage> stored = messages(admin, id);
            assertThat(sequences(stored)).containsExactlyElementsOf(range(1, 16));
            assertThat(stored).extracting(ParticipantMessage::body).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, 16).mapToObj(i -> "message " + i).toList());
            assertThat(activeParticipants(id))
                    .extracting(Participant::type, Participant::userId)
                    .containsExactlyInAnyOrderElementsOf(concat(
                            List.of(tuple(ParticipantType.BUSINESS, user.userId())),
                            staffUsers.stream().map(s -> tuple(ParticipantType.SERVICE, s.userId())).toList()));
            assertThat(chat.getConversation(user, id).unreadCount()).isEqualTo(16);
            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).hasSize(1);
            assertThat(eventsOf(ChatEvent.MessagePosted.class)).hasSize(16);
        }

        @Test
        void postingFromEightThreadsGivesGaplessSequences() throws Exception {
            Actor user = businessUser(uid("org"));
            ConversationId id = chat.startConversation(admin, StartConversation.with(ref(user))).id();
            List<Actor> writers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                writers.add(staff(WRITE));
            }
            for (int i = 0; i < 4; i++) {
                writers.add(user);
            }

            List<List<Long>> perThread = Concurrently.run(8, i -> {
                List<Long> sequences = new ArrayList<>();
                for (int j = 0; j < 10; j++) {
                    sequences.add(chat.postMessage(writers.get(i), id, NewMessage.of("thread " + i + " #" + j))
                            .sequence());
                }
                return sequences;
            });

            assertThat(perThread.stream().flatMap(List::stream).toList())
                    .containsExactlyInAnyOrderElementsOf(range(1, 80));
            assertThat(perThread).allSatisfy(s -> assertThat(s).isSorted());
            Page<ParticipantMessage> page = chat.listMessages(admin, id, PageRequest.first(100));
            assertThat(page.totalCount()).isEqualTo(80);
            assertThat(sequences(page.nodes())).containsExactlyElementsOf(range(1, 80));
            ConversationView seenByStaff = chat.getConversation(admin, id);
            assertThat(seenByStaff.messageCount()).isEqualTo(80);
            assertThat(seenByStaff.unreadCount()).isEqualTo(40);
            assertThat(seenByStaff.lastMessage().sequence()).isEqualTo(80);
            assertThat(chat.getConversation(user, id).unreadCount()).isEqualTo(40);
            assertThat(activeParticipants(id)).filteredOn(p -> p.type() == ParticipantType.SERVICE)
                    .extracting(Participant::userId)
                    .containsExactlyInAnyOrderElementsOf(concat(List.of(admin.userId()),
                            writers.subList(0, 4).stream().map(Actor::userId).toList()));
        }

        @Test
        void askingForOneAccountThreadFromEightThreadsCreatesOne() throws Exception {
            String org = uid("org");
            List<Actor> askers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                askers.add(staff(VIEW));
                askers.add(businessUser(org));
            }

            List<Conversation> threads = Concurrently.run(8, i -> chat.accountThread(askers.get(i), org));

            assertThat(threads).extracting(Conversation::id).containsOnly(threads.get(0).id());
            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).hasSize(1);
            assertThat(list(admin, ConversationFilter.all().withParticipantId(org)).totalCount()).isEqualTo(1);
        }

        @Test
        void markingReadWhilePostingLosesNoUnreadMessage() throws Exception {
            TxChat tx = openTransactionChat();

            Concurrently.run(4, i -> {
                for (int j = 0; j < 10; j++) {
                    if (i < 2) {
                        chat.postMessage(admin, tx.id(), NewMessage.of("staff " + i + " #" + j));
                    } else {
                        chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE);
                    }
                }
                return null;
            });

            long unreadMessages = messages(tx.user(), tx.id()).stream().filter(m -> m.readAt() == null).count();
            assertThat(chat.getConversation(tx.user(), tx.id()).unreadCount()).isEqualTo(unreadMessages);
            int marked = chat.markRead(tx.user(), tx.id(), ParticipantType.SERVICE).markedRead();
            assertThat(marked).isEqualTo(unreadMessages);
            assertThat(chat.getConversation(tx.user(), tx.id()).unreadCount()).isZero();
            assertThat(messages(tx.user(), tx.id())).hasSize(21).allSatisfy(m -> assertThat(m.readAt()).isNotNull());
        }
    }

    // =====================================================================================
    // totalCount: exact for every filter, whatever the store keeps to answer it
    // =====================================================================================

    /**
     * {@code totalCount} equals the number of conversations paging through the list finds,
     * for every filter shape, along random histories of creating, deleting, adding and
     * removing participants, sequential and from eight threads. A store may keep counts
     * instead of counting rows (the JDBI store does); these tests fail if a count drifts.
     *
     * <p>The lists scoped by this test's own ids are paged through after every step. Lists
     * over the whole store (all, by kind, by participant type) may hold other tests' data:
     * after every step their totals must have moved by exactly this test's conversations,
     * and at the end they are paged through as well. Seeds are random and printed in every
     * failure; set {@code -Dtxchat.countsSeed=…} to replay one.
     */
    @Nested
    class TotalCounts {
        private static final int STEPS = 24;
        private static final List<ConversationKind> KINDS_OR_ANY = Arrays.asList(null,
                ConversationKind.DIRECT, ConversationKind.TRANSACTION, ConversationKind.ACCOUNT);
        private static final List<ParticipantType> TYPES_OR_ANY = Arrays.asList(null,
                ParticipantType.BUSINESS, ParticipantType.SERVICE);

        private final String acme = uid("acme");
        private final String globex = uid("globex");
        private final String ann = uid("ann");
        private final String bob = uid("bob");
        private final String cy = uid("cy");
        private final Actor otherStaff = staff(WRITE);
        /** Business users: one user id with and without an organization; a user id that is an organization's id. */
        private final List<Actor> members = List.of(Actor.business(ann, acme), Actor.business(bob, acme),
                Actor.business(cy, globex), Actor.business(ann, null), Actor.business(globex, acme));
        /** Who joins: the business users above, both accounts, another staff user and the admin. */
        private List<ParticipantRef> refs;
        /** Every conversation this test created, in creation order. */
        private final CopyOnWriteArrayList<ConversationId> mine = new CopyOnWriteArrayList<>();

        @BeforeEach
        void namesWhoJoins() {
            refs = List.of(ParticipantRef.businessUser(ann, acme), ParticipantRef.businessUser(bob, acme),
                    ParticipantRef.businessUser(cy, globex), ParticipantRef.businessUser(ann, null),
                    ParticipantRef.businessUser(globex, acme), ParticipantRef.businessAccount(acme),
                    ParticipantRef.businessAccount(globex), ParticipantRef.serviceUser(otherStaff.userId()),
                    ParticipantRef.serviceUser(admin.userId()));
        }

        private long seed() {
            return Long.getLong("txchat.countsSeed", new SecureRandom().nextLong());
        }

        @Test
        void everyTotalCountEqualsWhatPagingFindsAfterEveryStepOfARandomHistory() {
            long seed = seed();
            Random random = new Random(seed);
            Map<ConversationFilter, Long> before = wholeStoreTotals();
            for (int step = 1; step <= STEPS; step++) {
                String done = randomStep(random);
                String context = "seed " + seed + ", step " + step + " (" + done + ")";
                assertCounts(context, before, Arrays.asList(null, KINDS_OR_ANY.get(1 + random.nextInt(3))));
            }
            assertCounts("seed " + seed + ", at the end", before, KINDS_OR_ANY);
            assertWholeStoreListsArePagedThroughExactly("seed " + seed);
        }

        @Test
        void countsStayExactWhenEightThreadsCreateDeleteAddAndRemoveConcurrently() {
            long seed = seed();
            Map<ConversationFilter, Long> before = wholeStoreTotals();
            Random setup = new Random(seed);
            for (int i = 0; i < 6; i++) {
                create(setup, i % 3);
            }
            List<String> done = Concurrently.run(8, thread -> {
                Random random = new Random(seed + thread + 1);
                StringBuilder log = new StringBuilder();
                for (int i = 0; i < 12; i++) {
                    log.append(randomStep(random)).append("; ");
                }
                return log.toString();
            });

            assertThat(done).hasSize(8);
            assertCounts("seed " + seed + ", after 8 threads", before, KINDS_OR_ANY);
            assertWholeStoreListsArePagedThroughExactly("seed " + seed);
        }

        /** One random create, delete, add or remove on this test's conversations; says what it did. */
        private String randomStep(Random random) {
            int op = mine.size() < 3 ? 0 : random.nextInt(10);
            if (op <= 2) {
                return create(random, random.nextInt(3));
            }
            ConversationId id = mine.get(random.nextInt(mine.size()));
            try {
                if (op == 3) {
                    chat.deleteConversation(admin, id);
                    return "delete " + id;
                }
                if (op <= 6) {
                    ParticipantRef who = refs.get(random.nextInt(refs.size()));
                    chat.addParticipant(admin, id, who);
                    return "add " + who + " to " + id;
                }
                List<Participant> active = activeParticipants(id);
                if (active.isEmpty()) {
                    return "nobody to remove from " + id;
                }
                Participant leaving = active.get(random.nextInt(active.size()));
                chat.removeParticipant(admin, id, leaving.id());
                return "remove " + leaving + " from " + id;
            } catch (ConflictException | NotFoundException e) {
                // deleted, an account thread, or a participant another thread removed first
                return "refused on " + id + ": " + e.getMessage();
            }
        }

        private String create(Random random, int kind) {
            Conversation created;
            if (kind == 0) {
                ParticipantRef with = refs.get(random.nextInt(7));
                created = chat.startConversation(admin, new StartConversation(with, null, null));
            } else if (kind == 1) {
                Actor owner = members.get(random.nextInt(members.size()));
                String tx = uid("tx");
                directory.register(tx, new WalletOwner(owner.userId(), owner.organizationId()));
                created = chat.openTransactionChat(admin, new OpenTransactionChat(tx, ref(owner),
                        NewMessage.of("about your payment"))).conversation();
            } else {
                created = chat.accountThread(admin, random.nextBoolean() ? acme : globex);
            }
            // an account thread is created once per organization, later calls return it
            mine.addIfAbsent(created.id());
            return "create " + created.kind() + " " + created.id();
        }

        /**
         * Every list scoped by this test's ids, for {@code kinds}: totalCount equals what paging
         * finds and what this test's conversations hold; the whole-store totals moved by exactly
         * this test's conversations.
         */
        private void assertCounts(String context, Map<ConversationFilter, Long> before, List<ConversationKind> kinds) {
            List<StoredConversation> model = mine.stream()
                    .map(id -> chat.getConversation(admin, id).conversation())
                    .map(c -> new StoredConversation(c, 0, 0, 0, c.createdAt(), null))
                    .toList();
            List<String> ids = List.of(acme, globex, ann, bob, cy, otherStaff.userId(), admin.userId());
            for (ConversationKind kind : kinds) {
                for (String id : ids) {
                    for (ParticipantType type : TYPES_OR_ANY) {
                        ConversationFilter filter = new ConversationFilter(id, type, null, kind, false);
                        assertListed(context, admin, filter, expected(model, filter, null));
                    }
                    ConversationFilter withDeleted = new ConversationFilter(id, null, null, kind, true);
                    assertListed(context, admin, withDeleted, expected(model, withDeleted, null));
                }
                for (Actor member : members) {
                    ConversationFilter filter = ConversationFilter.all().withKind(kind);
                    assertListed(context, member, filter, expected(model, filter,
                            new MemberScope(member.userId(), member.organizationId())));
                }
            }
            before.forEach((filter, total) -> assertThat(list(admin, filter).totalCount())
                    .as("%s: totalCount of %s over the whole store", context, filter)
                    .isEqualTo(total + expected(model, filter, null)));
        }

        private long expected(List<StoredConversation> model, ConversationFilter filter,
                              MemberScope member) {
            var query = new ConversationQuery(filter, member);
            return model.stream().filter(query::matches).count();
        }

        private void assertListed(String context, Actor actor, ConversationFilter filter, long expected) {
            long[] totalAndListed = pageThrough(actor, filter);
            assertThat(totalAndListed[1]).as("%s: conversations listed for %s with %s", context, actor, filter)
                    .isEqualTo(expected);
            assertThat(totalAndListed[0]).as("%s: totalCount for %s with %s", context, actor, filter)
                    .isEqualTo(expected);
        }

        /** The totalCount of the first page, and how many conversations paging forward finds. */
        private long[] pageThrough(Actor actor, ConversationFilter filter) {
            Page<ConversationView> page = list(actor, filter);
            long total = page.totalCount();
            long listed = page.nodes().size();
            while (page.pageInfo().hasNextPage()) {
                page = chat.listConversations(actor, filter,
                        PageRequest.first(PageRequest.MAX_SIZE, page.pageInfo().endCursor()));
                listed += page.nodes().size();
                assertThat(page.totalCount()).as("totalCount of every page of %s", filter).isEqualTo(total);
            }
            return new long[] {total, listed};
        }

        /** The lists over the whole store: all, by kind, by participant type, and both. */
        private Map<ConversationFilter, Long> wholeStoreTotals() {
            Map<ConversationFilter, Long> totals = new LinkedHashMap<>();
            for (ConversationKind kind : KINDS_OR_ANY) {
                for (ParticipantType type : TYPES_OR_ANY) {
                    ConversationFilter filter = new ConversationFilter(null, type, null, kind, false);
                    totals.put(filter, list(admin, filter).totalCount());
                }
            }
            return totals;
        }

        private void assertWholeStoreListsArePagedThroughExactly(String context) {
            for (ConversationFilter filter : wholeStoreTotals().keySet()) {
                long[] totalAndListed = pageThrough(admin, filter);
                assertThat(totalAndListed[0]).as("%s: totalCount of %s over the whole store", context, filter)
                        .isEqualTo(totalAndListed[1]);
            }
        }
    }

    // =====================================================================================
    // helpers
    // =====================================================================================

    /** A transaction chat opened by {@link #admin} with {@code user}. */
    protected record TxChat(String transactionId, Actor user, TransactionChat result) {
        ConversationId id() {
            return result.conversation().id();
        }
    }

    /** A fresh, unique id with a readable prefix, e.g. {@code org-3f2a…}. */
    protected static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A new staff user holding {@code permissions}. */
    protected static Actor staff(String... permissions) {
        return Actor.service(uid("staff"), permissions);
    }

    /** A new staff user holding every permission but {@code missing}. */
    protected static Actor staffWithout(String missing) {
        return staff(ALL_PERMISSIONS.stream().filter(p -> !p.equals(missing)).toArray(String[]::new));
    }

    /** A new business user of {@code organizationId}. */
    protected static Actor businessUser(String organizationId) {
        return Actor.business(uid("user"), organizationId);
    }

    protected static ParticipantRef ref(Actor businessUser) {
        return ParticipantRef.businessUser(businessUser.userId(), businessUser.organizationId());
    }

    private static WalletOwner owner(Actor businessUser) {
        return new WalletOwner(businessUser.userId(), businessUser.organizationId());
    }

    private String registerTransaction(Actor walletOwner) {
        String tx = uid("tx");
        directory.register(tx, DETAILS, owner(walletOwner));
        return tx;
    }

    private TxChat openTransactionChat() {
        return openTransactionChat(businessUser(uid("org")));
    }

    private TxChat openTransactionChat(Actor user) {
        String tx = registerTransaction(user);
        TransactionChat result = chat.openTransactionChat(admin,
                new OpenTransactionChat(tx, ref(user), NewMessage.of("Hello about your payment")));
        return new TxChat(tx, user, result);
    }

    private ConversationId startDirect(Actor user, String firstMessage) {
        return chat.startConversation(admin, new StartConversation(ref(user), null, NewMessage.of(firstMessage))).id();
    }

    private Page<ConversationView> list(Actor actor, ConversationFilter filter) {
        return chat.listConversations(actor, filter, PageRequest.first(PageRequest.MAX_SIZE));
    }

    private List<ParticipantMessage> messages(Actor actor, ConversationId id) {
        return chat.listMessages(actor, id, PageRequest.first(PageRequest.MAX_SIZE)).nodes();
    }

    private List<Participant> activeParticipants(ConversationId id) {
        return chat.getConversation(admin, id).conversation().activeParticipants();
    }

    private static Participant participantWhere(Conversation conversation, ParticipantType type) {
        List<Participant> matching = conversation.participants().stream().filter(p -> p.type() == type).toList();
        assertThat(matching).as("%s participants of %s", type, conversation.id()).hasSize(1);
        return matching.get(0);
    }

    private static List<ConversationId> ids(Page<ConversationView> page) {
        return page.nodes().stream().map(ConversationView::id).toList();
    }

    private static List<Long> sequences(List<ParticipantMessage> messages) {
        return messages.stream().map(ParticipantMessage::sequence).toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private <E extends ChatEvent> List<E> eventsOf(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Variants of a real cursor that the library never issued: one character changed
     * (keeping its class, so that a cursor encoding without integrity check would still
     * decode), truncated, and extended.
     */
    private static List<String> tamperings(String cursor) {
        assertThat(cursor).isNotBlank();
        List<String> variants = new ArrayList<>();
        for (int position : new int[] {0, cursor.length() / 2, Math.max(0, cursor.length() - 2)}) {
            char[] chars = cursor.toCharArray();
            chars[position] = shifted(chars[position]);
            variants.add(new String(chars));
        }
        variants.add(cursor.substring(0, cursor.length() - 1));
        variants.add(cursor + "A");
        return variants.stream().distinct().filter(v -> !v.equals(cursor)).toList();
    }

    private static char shifted(char c) {
        if (c >= '0' && c <= '9') {
            return (char) ('0' + (c - '0' + 1) % 10);
        }
        if (c >= 'a' && c <= 'z') {
            return (char) ('a' + (c - 'a' + 1) % 26);
        }
        if (c >= 'A' && c <= 'Z') {
            return (char) ('A' + (c - 'A' + 1) % 26);
        }
        return c == 'A' ? 'B' : 'A';
    }

    private static void assertInvalid(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.errors()).extracting(FieldError::field).as("fields named by: %s", e.getMessage())
                        .contains(field));
    }

    private static void assertNotFound(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(NotFoundException.class);
    }

    private static void assertDenied(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(AccessDeniedException.class);
    }

    private static void assertConflict(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(ConflictException.class);
    }

}
