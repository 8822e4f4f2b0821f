package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.ConversationView;
import dev.txchat.core.FieldError;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.WalletOwner;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every guarantee of the design's Rules table tried the way an attacker would break it:
 * the same user id in another organization, a delete committed at the worst moment of an
 * open, another author's client message id, card numbers written through every field and
 * disguised, invisible and text-reordering characters, forged and foreign cursors, a
 * lagging clock, the operator persona of account threads, oversized ledger details, and
 * a closed service. Each test fails on a store or core that breaks the rule.
 *
 * <p>Extend it and return the store under test from {@link #createStore()}; as with
 * {@link ChatServiceContract} the store may be shared and hold other tests' data, every test
 * uses fresh random ids. A store whose units of work never interleave (such as
 * {@link InMemoryChatStore}, which holds one lock per unit of work) overrides
 * {@link #unitsOfWorkInterleave()} to return false.
 */
public abstract class ChatGuaranteesContract {

    protected static final String CREATE = ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR;
    protected static final String VIEW = ChatPermissions.CONVERSATION_VIEWER;
    protected static final String WRITE = ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR;
    protected static final String DELETE = ChatPermissions.CONVERSATION_DELETION_EXECUTOR;
    protected static final String MANAGE = ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER;

    /** Standard test card numbers, and the last four digits they must be masked to. */
    private static final String VISA = "4111111111111111";
    private static final String MASKED_VISA = "**** 1111";
    /** The same card as attackers write it to slip past a naive mask. */
    private static final List<String> DISGUISED_VISA = List.of(
            "4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111", "4111\u00A01111\u00A01111\u00A01111",
            "4111\u200B1111\u200B1111\u200B1111", "4111\uFEFF1111\uFEFF1111\uFEFF1111", "4111\u20131111\u20131111\u20131111",
            "\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11",
            "\u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661",
            "4111/1111/1111/1111", "4111\u202F1111\u202F1111\u202F1111", "4111\u00AD1111\u00AD1111\u00AD1111");
    private static final List<String> INVISIBLE_ONLY = List.of("\u00A0", "\u200B", "\uFEFF", "\u00A0\u200B\uFEFF",
            "\u2060\u200C\u200D", "\u3000\u2007", "\u180E", "\u3164", "\u2800");
    private static final List<String> BIDI_CONTROLS = List.of("\u202A", "\u202B", "\u202C", "\u202D", "\u202E",
            "\u2066", "\u2067", "\u2068", "\u2069");
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(60);

    protected InterceptingChatStore store;
    protected FakeTransactionDirectory directory;
    protected MutableClock clock;
    protected List<ChatEvent> events;
    protected ChatService chat;
    protected Actor admin;
    private final List<ChatService> opened = new ArrayList<>();

    /** The store to test; called before each test. It may be shared and already hold data. */
    protected abstract ChatStore createStore();

    /**
     * Whether two units of work of this store can run at the same time. A store that runs
     * them one after another cannot be interrupted between a lookup and a lock; the race
     * tests then check the outcome without requiring the interleaving.
     */
    protected boolean unitsOfWorkInterleave() {
        return true;
    }

    @BeforeEach
    void setUpChatService() {
        store = new InterceptingChatStore(createStore());
        directory = new FakeTransactionDirectory();
        clock = MutableClock.startingAtEpochDay();
        events = new CopyOnWriteArrayList<>();
        chat = service(builder -> builder.listener(events::add));
        admin = Actor.service(uid("admin"), CREATE, VIEW, WRITE, DELETE, MANAGE);
    }

    @AfterEach
    void closeServices() {
        opened.forEach(ChatService::close);
    }

    // =====================================================================================
    // the same user id in two organizations is two people
    // =====================================================================================

    @Nested
    class SameUserIdInTwoOrganizations {

        @Test
        void eachOrganizationsUserGetsItsOwnChatAndNeitherReadsTheOther() {
            String user = uid("u");
            String acme = uid("acme");
            String globex = uid("globex");
            String tx = uid("tx");
            directory.register(tx, Map.of(), new WalletOwner(user, acme), new WalletOwner(user, globex));

            TransactionChat forAcme = open(tx, ParticipantRef.businessUser(user, acme), "acme's secret");
            TransactionChat forGlobex = open(tx, ParticipantRef.businessUser(user, globex), "globex's secret");

            assertThat(forAcme.created()).isTrue();
            assertThat(forGlobex.created()).isTrue();
            assertThat(forGlobex.conversation().id()).isNotEqualTo(forAcme.conversation().id());
            Actor acmeUser = Actor.business(user, acme);
            Actor globexUser = Actor.business(user, globex);
            assertThat(bodies(acmeUser, forAcme.conversation().id())).containsExactly("acme's secret");
            assertThat(bodies(globexUser, forGlobex.conversation().id())).containsExactly("globex's secret");
            assertThatThrownBy(() -> chat.listMessages(globexUser, forAcme.conversation().id(), PageRequest.first(10)))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> chat.listMessages(acmeUser, forGlobex.conversation().id(), PageRequest.first(10)))
                    .isInstanceOf(NotFoundException.class);
            assertThat(ids(chat.listConversations(globexUser, ConversationFilter.all(), PageRequest.first(100))))
                    .containsExactly(forGlobex.conversation().id());
            assertThat(chat.ticket(globexUser, tx).conversations()).extracting(Conversation::id)
                    .containsExactly(forGlobex.conversation().id());
        }

        @Test
        void reopeningForEachOrganizationAppendsToThatOrganizationsChatOnly() {
            String user = uid("u");
            String acme = uid("acme");
            String globex = uid("globex");
            String tx = uid("tx");
            directory.register(tx, Map.of(), new WalletOwner(user, acme), new WalletOwner(user, globex));
            ConversationId acmeChat = open(tx, ParticipantRef.businessUser(user, acme), "1").conversation().id();
            ConversationId globexChat = open(tx, ParticipantRef.businessUser(user, globex), "2").conversation().id();

            TransactionChat again = open(tx, ParticipantRef.businessUser(user, globex), "3");

            assertThat(again.created()).isFalse();
            assertThat(again.conversation().id()).isEqualTo(globexChat);
            assertThat(bodies(admin, acmeChat)).containsExactly("1");
            assertThat(bodies(admin, globexChat)).containsExactly("2", "3");
        }

        @Test
        void aRequestWithoutOrganizationMatchingOwnersOfSeveralOrganizationsFailsOnBusinessUserAndStoresNothing() {
            String user = uid("u");
            String tx = uid("tx");
            directory.register(tx, Map.of(), new WalletOwner(user, uid("acme")), new WalletOwner(user, uid("globex")));

            assertInvalid("businessUser", () -> open(tx, ParticipantRef.businessUser(user, null), "which one?"));
            assertThatThrownBy(() -> chat.ticket(admin, tx)).isInstanceOf(NotFoundException.class);
            assertThat(events).isEmpty();
        }

        @Test
        void aRequestWithoutOrganizationMatchingOneOwnerOpensThatOwnersChat() {
            String user = uid("u");
            String acme = uid("acme");
            String tx = uid("tx");
            directory.register(tx, Map.of(), new WalletOwner(user, acme), new WalletOwner(uid("other"), uid("globex")));

            TransactionChat opened = open(tx, ParticipantRef.businessUser(user, null), "hi");

            assertThat(opened.conversation().organizationId()).isEqualTo(acme);
            assertThat(bodies(Actor.business(user, acme), opened.conversation().id())).containsExactly("hi");
        }

        @Test
        void anOrganizationThatIsNotTheOwnersFailsOnBusinessUser() {
            String user = uid("u");
            String tx = uid("tx");
            directory.register(tx, Map.of(), new WalletOwner(user, uid("acme")));

            assertInvalid("businessUser", () -> open(tx, ParticipantRef.businessUser(user, uid("globex")), "hi"));
        }

        @Test
        void idsThatWouldJoinToTheSameTextStillOpenSeparateChats() {
            // every way of moving a separator-like character between the transaction, user and organization
            String a = uid("a");
            String b = uid("b");
            String c = uid("c");
            List<String[]> owners = List.of(
                    new String[] {a + ":" + b, c}, new String[] {a, b + ":" + c},
                    new String[] {a + "~" + b, c}, new String[] {a, b + "~" + c},
                    new String[] {a + "~:" + b, c}, new String[] {a + "~", ":" + b + c},
                    new String[] {a + "|" + b, c}, new String[] {a, b + "|" + c},
                    new String[] {a + ":" + b + ":" + c, null}, new String[] {a + ":" + b + ":", c});
            String tx = uid("tx") + ":" + uid("x");
            directory.register(tx, Map.of(), owners.stream().map(o -> new WalletOwner(o[0], o[1]))
                    .toArray(WalletOwner[]::new));

            List<ConversationId> chats = new ArrayList<>();
            for (String[] owner : owners) {
                TransactionChat opened = open(tx, ParticipantRef.businessUser(owner[0], owner[1]), "for " + owner[0]);
                assertThat(opened.created()).as("a new chat for %s @ %s", owner[0], owner[1]).isTrue();
                chats.add(opened.conversation().id());
            }
            assertThat(chats).doesNotHaveDuplicates();
        }
    }

    // =====================================================================================
    // a user is its user id and its organization
    // =====================================================================================

    @Nested
    class UsersWithoutOrganization {

        @Test
        void aWalletOwnerWithoutOrganizationIsNotTheSameUserIdInAnOrganization() {
            String user = uid("bob");
            String tx = uid("tx");
            directory.register(tx, Map.of("note", "private"), new WalletOwner(user, null));
            ConversationId id = open(tx, ParticipantRef.businessUser(user, null), "private: your refund").conversation().id();
            Actor orgless = Actor.business(user, null);
            Actor impostor = Actor.business(user, uid("evil-corp"));

            assertThat(bodies(orgless, id)).containsExactly("private: your refund");
            assertThatThrownBy(() -> chat.listMessages(impostor, id, PageRequest.first(10)))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> chat.postMessage(impostor, id, NewMessage.of("x")))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> chat.ticket(impostor, tx)).isInstanceOf(NotFoundException.class);
            assertThat(chat.listConversations(impostor, ConversationFilter.all(), PageRequest.first(10)).totalCount())
                    .isZero();
        }

        @Test
        void directChatsAndAddedParticipantsWithoutOrganizationAdmitNobodyElse() {
            String carol = uid("carol");
            String dave = uid("dave");
            ConversationId direct = chat.startConversation(admin, new StartConversation(
                    ParticipantRef.businessUser(carol, null), null, NewMessage.of("hi carol"))).id();
            Actor acmeUser = businessUser(uid("acme"));
            ConversationId acmeChat = chat.startConversation(admin, new StartConversation(ref(acmeUser), null,
                    NewMessage.of("hi acme"))).id();
            chat.addParticipant(admin, acmeChat, ParticipantRef.businessUser(dave, null));

            assertThat(bodies(Actor.business(carol, null), direct)).containsExactly("hi carol");
            assertThatThrownBy(() -> chat.getConversation(Actor.business(carol, uid("acme")), direct))
                    .isInstanceOf(NotFoundException.class);
            assertThat(bodies(Actor.business(dave, null), acmeChat)).containsExactly("hi acme");
            assertThatThrownBy(() -> chat.getConversation(Actor.business(dave, uid("evil")), acmeChat))
                    .isInstanceOf(NotFoundException.class);
        }

        @Test
        void aBusinessUserSeesItsTicketsChatsButNotTheLedgersDetails() {
            Actor user = businessUser(uid("org"));
            String tx = uid("tx");
            directory.register(tx, Map.of("risk", "AML flag on eve"), new WalletOwner(user.userId(), user.organizationId()));
            open(tx, ref(user), "hello");

            TransactionTicket seen = chat.ticket(user, tx);

            assertThat(seen.details()).isEmpty();
            assertThat(seen.conversations()).hasSize(1);
            assertThat(chat.ticket(admin, tx).details()).containsEntry("risk", "AML flag on eve");
        }

        @Test
        void staffWhoMayOpenButNotViewGetOnlyTheChatTheyOpened() {
            String tx = uid("tx");
            Actor first = businessUser(uid("org"));
            Actor second = businessUser(uid("org"));
            directory.register(tx, Map.of(), new WalletOwner(first.userId(), first.organizationId()),
                    new WalletOwner(second.userId(), second.organizationId()));
            open(tx, ref(first), "to the first");
            Actor opener = Actor.service(uid("opener"), CREATE);

            TransactionChat opened = chat.openTransactionChat(opener,
                    new OpenTransactionChat(tx, ref(second), NewMessage.of("to the second")));

            assertThat(opened.ticket().conversations()).extracting(Conversation::id)
                    .containsExactly(opened.conversation().id());
        }
    }

    // =====================================================================================
    // a chat deleted while it is being opened again
    // =====================================================================================

    @Nested
    class DeleteWhileOpening {

        @Test
        void aDeleteCommittedBetweenFindingAndLockingTheChatSendsTheMessageToANewLiveChat() throws Exception {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            ConversationId first = open(tx, ref(user), "first").conversation().id();
            FutureTask<Void> delete = new FutureTask<>(() -> chat.deleteConversation(admin, first), null);
            boolean[] interleaved = {false};
            store.afterFindingLive(() -> interleaved[0] = runUntilDoneOrBlocked(delete));

            TransactionChat reopened = open(tx, ref(user), "second");
            delete.get(60, TimeUnit.SECONDS);

            if (unitsOfWorkInterleave()) {
                assertThat(interleaved[0]).as("the delete committed while the open was paused").isTrue();
            }
            assertThat(reopened.conversation().status()).isEqualTo(ConversationStatus.OPEN);
            if (interleaved[0]) {
                assertThat(reopened.created()).isTrue();
                assertThat(reopened.conversation().id()).isNotEqualTo(first);
                assertThat(bodies(user, reopened.conversation().id())).containsExactly("second");
                assertThat(ids(chat.listConversations(user, ConversationFilter.all(), PageRequest.first(10))))
                        .containsExactly(reopened.conversation().id());
            } else {
                // the store ran the delete after the open: the message went to the chat that was live then
                assertThat(reopened.created()).isFalse();
                assertThat(reopened.conversation().id()).isEqualTo(first);
            }
            assertThat(chat.getConversation(admin, first).conversation().status()).isEqualTo(ConversationStatus.DELETED);
        }

        @Test
        void openingAndDeletingFromManyThreadsNeverAppendsToADeletedChat() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            open(tx, ref(user), "seed");
            int rounds = 15;

            List<List<TransactionChat>> results = Concurrently.run(8, thread -> {
                List<TransactionChat> mine = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    if (thread % 4 == 0) {
                        chat.ticket(admin, tx).conversations().stream().filter(c -> !c.isDeleted())
                                .forEach(c -> chat.deleteConversation(admin, c.id()));
                    } else {
                        mine.add(open(tx, ref(user), "t" + thread + " r" + round));
                    }
                }
                return mine;
            });

            List<TransactionChat> opens = results.stream().flatMap(List::stream).toList();
            assertThat(opens).allSatisfy(o -> assertThat(o.conversation().status())
                    .as("conversation %s returned by an open", o.conversation().id()).isEqualTo(ConversationStatus.OPEN));
            TransactionTicket ticket = chat.ticket(admin, tx);
            assertThat(ticket.conversations().stream().filter(c -> !c.isDeleted())).hasSizeLessThanOrEqualTo(1);
            long stored = ticket.conversations().stream().mapToLong(c -> bodies(admin, c.id()).size()).sum();
            assertThat(stored).isEqualTo(opens.size() + 1);
            for (TransactionChat o : opens) {
                assertThat(bodies(admin, o.conversation().id())).contains(o.message().body());
            }
        }
    }

    // =====================================================================================
    // a client message id is its author's only
    // =====================================================================================

    @Nested
    class IdempotentReplay {

        @Test
        void anotherStaffUsersClientMessageIdIsAConflictThatRevealsNothing() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            Actor author = Actor.service(uid("author"), WRITE);
            Actor snoop = Actor.service(uid("snoop"), WRITE);
            String clientId = uid("cid");
            chat.postMessage(author, id, NewMessage.of("confidential refund note", clientId));
            int eventsBefore = events.size();

            assertThatThrownBy(() -> chat.postMessage(snoop, id, NewMessage.of("anything", clientId)))
                    .isInstanceOfSatisfying(ConflictException.class, e -> {
                        assertThat(e.field()).isEqualTo("clientMessageId");
                        assertThat(e.getMessage()).doesNotContain("confidential");
                    });
            assertThat(bodies(admin, id)).containsExactly("hello", "confidential refund note");
            assertThat(chat.getConversation(admin, id).conversation().participants())
                    .noneMatch(p -> snoop.userId().equals(p.userId()));
            assertThat(events).hasSize(eventsBefore);
        }

        @Test
        void theAuthorRepeatingGetsTheFirstMessageBackWhateverTheBody() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            String clientId = uid("cid");
            ParticipantMessage first = chat.postMessage(user, id, NewMessage.of("original", clientId));

            ParticipantMessage again = chat.postMessage(user, id, NewMessage.of("retried with other text", clientId));

            assertThat(again.id()).isEqualTo(first.id());
            assertThat(again.body()).isEqualTo("original");
            assertThat(bodies(admin, id)).containsExactly("hello", "original");
        }

        @Test
        void anotherUserOfTheSameOrganizationGetsAConflict() {
            String org = uid("org");
            ConversationId thread = chat.accountThread(admin, org).id();
            Actor author = businessUser(org);
            Actor colleague = businessUser(org);
            String clientId = uid("cid");
            chat.postMessage(author, thread, NewMessage.of("mine", clientId));

            assertConflictOnClientMessageId(() -> chat.postMessage(colleague, thread, NewMessage.of("x", clientId)));
            assertThat(bodies(admin, thread)).containsExactly("mine");
        }

        @Test
        void theSameUserIdOfAnotherOrganizationGetsAConflict() {
            String user = uid("u");
            Actor acmeUser = Actor.business(user, uid("acme"));
            Actor globexUser = Actor.business(user, uid("globex"));
            Conversation direct = chat.startConversation(admin, new StartConversation(ref(acmeUser), null, null));
            chat.addParticipant(admin, direct.id(), ref(globexUser));
            String clientId = uid("cid");
            chat.postMessage(acmeUser, direct.id(), NewMessage.of("acme only", clientId));

            assertConflictOnClientMessageId(() -> chat.postMessage(globexUser, direct.id(), NewMessage.of("x", clientId)));
        }

        @Test
        void staffReusingABusinessUsersClientMessageIdGetsAConflict() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            String clientId = uid("cid");
            chat.postMessage(user, id, NewMessage.of("from the client", clientId));

            assertConflictOnClientMessageId(() -> chat.postMessage(admin, id, NewMessage.of("x", clientId)));
        }

        @Test
        void reopeningATransactionChatWithAnotherAuthorsClientMessageIdIsAConflict() {
            Actor user = businessUser(uid("org"));
            String tx = registerTransaction(user);
            String clientId = uid("cid");
            chat.openTransactionChat(admin, new OpenTransactionChat(tx, ref(user), NewMessage.of("first", clientId)));
            Actor otherStaff = Actor.service(uid("staff"), CREATE);

            assertConflictOnClientMessageId(() -> chat.openTransactionChat(otherStaff,
                    new OpenTransactionChat(tx, ref(user), NewMessage.of("x", clientId))));
        }
    }

    // =====================================================================================
    // no card number reaches storage, an event or a return value
    // =====================================================================================

    @Nested
    class CardNumbersInEveryField {

        @Test
        void aDisguisedCardInABodyIsMaskedInTheReturnTheStoreTheEventAndTheLists() {
            for (String card : DISGUISED_VISA) {
                Actor user = businessUser(uid("org"));
                ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();

                ParticipantMessage posted = chat.postMessage(user, id, NewMessage.of("my card " + card + " thanks"));

                assertThat(posted.body()).as("returned body for %s", card).isEqualTo("my card " + MASKED_VISA + " thanks");
                assertThat(bodies(admin, id)).last().isEqualTo(posted.body());
                assertThat(chat.getConversation(user, id).lastMessage().body()).isEqualTo(posted.body());
                assertThat(eventsOf(ChatEvent.MessagePosted.class)).last()
                        .satisfies(e -> assertThat(e.message().body()).isEqualTo(posted.body()));
            }
        }

        @Test
        void aCardInASubjectIsMaskedEverywhere() {
            Actor user = businessUser(uid("org"));
            Conversation started = chat.startConversation(admin, new StartConversation(ref(user),
                    "Chargeback on card 4111 1111 1111 1111", NewMessage.of("hi")));

            String expected = "Chargeback on card " + MASKED_VISA;
            assertThat(started.subject()).isEqualTo(expected);
            assertThat(chat.getConversation(user, started.id()).conversation().subject()).isEqualTo(expected);
            assertThat(chat.listConversations(user, ConversationFilter.all(), PageRequest.first(10)).nodes())
                    .extracting(v -> v.conversation().subject()).containsExactly(expected);
            assertThat(eventsOf(ChatEvent.ConversationStarted.class)).last()
                    .satisfies(e -> assertThat(e.conversation().subject()).isEqualTo(expected));
        }

        @Test
        void cardsInTicketDetailsAreMaskedInKeysAndValues() {
            Actor user = businessUser(uid("org"));
            String tx = uid("tx");
            directory.register(tx, Map.of("card", "4111.1111.1111.1111", "5555555555554444", "card as key",
                    "amount", "125.40 EUR"), new WalletOwner(user.userId(), user.organizationId()));

            TransactionChat opened = open(tx, ref(user), "hello");

            Map<String, String> expected = Map.of("card", MASKED_VISA, "**** 4444", "card as key", "amount", "125.40 EUR");
            assertThat(opened.ticket().details()).isEqualTo(expected);
            assertThat(chat.ticket(admin, tx).details()).isEqualTo(expected);
            assertThat(chat.ticket(user, tx).details()).as("ledger details are for staff").isEmpty();
        }

        @Test
        void aClientMessageIdHoldingACardIsRejectedAndNothingIsStored() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            for (String card : DISGUISED_VISA) {
                assertInvalid("clientMessageId", () -> chat.postMessage(user, id, NewMessage.of("x", "cid-" + card)));
            }
            assertThat(bodies(admin, id)).containsExactly("hello");
        }

        @Test
        void idsHoldingACardAreRejectedOnTheirField() {
            assertInvalid("actor.userId", () -> Actor.service(VISA, VIEW));
            assertInvalid("actor.organizationId", () -> Actor.business(uid("u"), "org " + VISA));
            assertInvalid("userId", () -> ParticipantRef.businessUser("u-" + VISA, uid("org")));
            assertInvalid("organizationId", () -> ParticipantRef.businessAccount(VISA));
            assertInvalid("transactionId", () -> chat.openTransactionChat(admin,
                    new OpenTransactionChat(VISA, ParticipantRef.businessUser(uid("u"), null), NewMessage.of("x"))));
            assertInvalid("transactionId", () -> chat.ticket(admin, "4111-1111-1111-1111"));
            assertInvalid("organizationId", () -> chat.accountThread(admin, VISA));
            assertInvalid("participantId", () -> chat.listConversations(admin,
                    ConversationFilter.all().withParticipantId(VISA), PageRequest.first(10)));
        }
    }

    // =====================================================================================
    // invisible and text-reordering characters
    // =====================================================================================

    @Nested
    class InvisibleAndReorderingText {

        @Test
        void bodiesSubjectsAndIdsOfOnlyInvisibleCharactersAreRejectedOnTheirField() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            for (String blank : INVISIBLE_ONLY) {
                assertInvalid("body", () -> chat.postMessage(user, id, NewMessage.of(blank)));
                assertInvalid("body", () -> chat.postMessage(user, id, NewMessage.of(" " + blank + "\n")));
                assertInvalid("subject", () -> chat.startConversation(admin,
                        new StartConversation(ref(user), blank, null)));
                assertInvalid("clientMessageId", () -> chat.postMessage(user, id, NewMessage.of("x", blank)));
                assertInvalid("organizationId", () -> chat.accountThread(admin, blank));
                assertInvalid("transactionId", () -> chat.ticket(admin, blank));
            }
            assertThat(bodies(admin, id)).containsExactly("hello");
        }

        @Test
        void idsThatOnlyLookLikeAnotherIdAreRejected() {
            String org = uid("org");
            for (String hidden : List.of("\u200B", "\uFEFF", "\u00AD", "\u2060", "\u00A0")) {
                assertInvalid("organizationId", () -> chat.accountThread(admin, org + hidden));
                assertInvalid("organizationId", () -> chat.accountThread(admin, org.substring(0, 4) + hidden
                        + org.substring(4)));
            }
        }

        @Test
        void bidiControlsAreRejectedInBodiesSubjectsAndIds() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            for (String control : BIDI_CONTROLS) {
                assertInvalid("body", () -> chat.postMessage(user, id, NewMessage.of("refund " + control + "00.01")));
                assertInvalid("subject", () -> chat.startConversation(admin,
                        new StartConversation(ref(user), "amount " + control + "10.00", null)));
                assertInvalid("clientMessageId", () -> chat.postMessage(user, id, NewMessage.of("x", "c" + control)));
            }
            assertThat(bodies(admin, id)).containsExactly("hello");
        }

        @Test
        void aPermissiveContentPolicyCannotLetCardsInvisibleOrReorderingTextThrough() {
            ChatService lenient = service(builder -> builder.contentPolicy(body -> body));
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();

            assertThat(lenient.postMessage(user, id, NewMessage.of("card " + VISA)).body())
                    .isEqualTo("card " + MASKED_VISA);
            assertInvalid("body", () -> lenient.postMessage(user, id, NewMessage.of("\u200B\u00A0")));
            assertInvalid("body", () -> lenient.postMessage(user, id, NewMessage.of("\u202Eabc")));
        }
    }

    // =====================================================================================
    // ids that only look alike, and what this JVM's Unicode does not know yet
    // =====================================================================================

    @Nested
    class LookAlikeIds {

        @Test
        void idsThatDisplayLikeAnotherIdAreRejected() {
            String org = "acme" + UUID.randomUUID().toString().substring(0, 8);
            for (String lookAlike : List.of(org + "\u034F", org + "\uFE0F", org + "\uFE00", org + "\u180B",
                    org + new String(Character.toChars(0xE0100)), org + "\u17B4", "\u0300" + org,
                    "cafe\u0301-" + org)) {
                assertInvalid("organizationId", () -> chat.accountThread(admin, lookAlike));
            }
        }

        @Test
        void emojiInIdsAndBodiesStayWelcome() {
            String org = "shop-\u2764\uFE0F-\uD83D\uDC69\u200D\uD83D\uDCBB-" + UUID.randomUUID();
            ConversationId thread = chat.accountThread(admin, org).id();
            Actor seller = Actor.business(uid("seller"), org);
            // U+1FAE0 (Unicode 14) is unassigned for Java 17: it must not count as blank
            String melting = new String(Character.toChars(0x1FAE0));

            assertThat(chat.postMessage(seller, thread, NewMessage.of(melting)).body()).isEqualTo(melting);
        }
    }

    // =====================================================================================
    // what a host's own code hands the library
    // =====================================================================================

    @Nested
    class HostInputs {

        @Test
        void nullPermissionsAreAValidationErrorNotANullPointer() {
            assertInvalid("actor.permissions", () -> Actor.service(uid("s"), (String) null));
            assertInvalid("actor.permissions", () -> new Actor(ParticipantType.SERVICE, uid("s"), null,
                    new HashSet<>(java.util.Arrays.asList(VIEW, null))));
        }

        @Test
        void aDirectoryAnsweringNullKnowsNoTransaction() {
            ChatService withNullDirectory = service(b -> b.transactionDirectory(transactionId -> null));
            Actor user = businessUser(uid("org"));

            assertThatThrownBy(() -> withNullDirectory.openTransactionChat(admin,
                    new OpenTransactionChat(uid("tx"), ref(user), NewMessage.of("x"))))
                    .isInstanceOf(NotFoundException.class);
        }

        @Test
        void aPermissiveContentPolicyCannotStoreWhatSomeStoreCannotHold() {
            ChatService lenient = service(b -> b.contentPolicy(body -> body));
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();

            assertInvalid("body", () -> lenient.postMessage(user, id, NewMessage.of("nul\u0000byte")));
            assertInvalid("body", () -> lenient.postMessage(user, id, NewMessage.of("x".repeat(16_001))));
            assertThat(lenient.postMessage(user, id, NewMessage.of("y".repeat(16_000))).body()).hasSize(16_000);
        }

        @Test
        void aBlankClientMessageIdIsRefusedNotSilentlyDropped() {
            Actor user = businessUser(uid("org"));
            ConversationId id = open(registerTransaction(user), ref(user), "hello").conversation().id();
            for (String blank : List.of("\u3000", "\u2028", "\u1680", " ", "\u00A0")) {
                assertInvalid("clientMessageId", () -> chat.postMessage(user, id, NewMessage.of("x", blank)));
            }
            assertThat(bodies(admin, id)).containsExactly("hello");
        }

        @Test
        void aClockOutsideWhatStoresHoldIsRefusedBeforeAnyWrite() {
            MutableClock broken = MutableClock.at(Instant.parse("+300000-01-01T00:00:00Z"));
            ChatService skewed = service(b -> b.clock(broken));
            Actor user = businessUser(uid("org"));

            assertThatThrownBy(() -> skewed.startConversation(admin, new StartConversation(ref(user), null, null)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("clock");
            assertThat(chat.listConversations(user, ConversationFilter.all(), PageRequest.first(10)).totalCount())
                    .isZero();
        }
    }

    // =====================================================================================
    // cursors
    // =====================================================================================

    @Nested
    class Cursors {

        @Test
        void servicesOverOneDatabaseAcceptEachOthersCursors() {
            Actor user = businessUser(uid("org"));
            ConversationId id = conversationWithMessages(user, 5);
            ChatService otherNode = service(builder -> builder);

            String cursor = chat.listMessages(user, id, PageRequest.first(2)).pageInfo().endCursor();

            assertThat(otherNode.listMessages(user, id, PageRequest.first(2, cursor)).nodes())
                    .extracting(ParticipantMessage::body).containsExactly("m3", "m4");
        }

        @Test
        void aCursorSignedWithAnotherSecretIsRejected() {
            Actor user = businessUser(uid("org"));
            ConversationId id = conversationWithMessages(user, 5);
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            ChatService foreign = service(builder -> builder.cursorSecret(secret));

            String cursor = foreign.listMessages(user, id, PageRequest.first(2)).pageInfo().endCursor();
            String listCursor = foreign.listConversations(user, ConversationFilter.all(), PageRequest.first(1))
                    .pageInfo().endCursor();

            assertInvalid("after", () -> chat.listMessages(user, id, PageRequest.first(2, cursor)));
            assertInvalid("after", () -> chat.listConversations(user, ConversationFilter.all(),
                    PageRequest.first(1, listCursor)));
            assertThat(foreign.listMessages(user, id, PageRequest.first(2, cursor)).nodes()).hasSize(2);
        }

        @Test
        void usersWhoseIdsJoinToTheSameTextDoNotShareCursors() {
            String p = uid("p");
            String q = uid("q");
            String r = uid("r");
            Actor first = Actor.business(p + ":" + q, r);
            Actor second = Actor.business(p, q + ":" + r);
            for (Actor user : List.of(first, second)) {
                for (int i = 0; i < 2; i++) {
                    chat.startConversation(admin, new StartConversation(ref(user), null, NewMessage.of("m" + i)));
                }
            }

            String cursor = chat.listConversations(first, ConversationFilter.all(), PageRequest.first(1))
                    .pageInfo().endCursor();

            assertInvalid("after", () -> chat.listConversations(second, ConversationFilter.all(),
                    PageRequest.first(1, cursor)));
            assertThat(chat.listConversations(first, ConversationFilter.all(), PageRequest.first(1, cursor)).nodes())
                    .hasSize(1);
        }

        @Test
        void aCursorOfOneFilterIsRejectedForAnother() {
            Actor user = businessUser(uid("org"));
            conversationWithMessages(user, 1);
            conversationWithMessages(user, 1);
            String cursor = chat.listConversations(admin, ConversationFilter.all().withParticipantId(user.userId()),
                    PageRequest.first(1)).pageInfo().endCursor();

            assertInvalid("after", () -> chat.listConversations(admin,
                    ConversationFilter.all().withParticipantId(user.organizationId()), PageRequest.first(1, cursor)));
            assertInvalid("before", () -> chat.listConversations(admin,
                    ConversationFilter.all().withParticipantId(user.userId()).includingDeleted(),
                    PageRequest.last(1, cursor)));
        }
    }

    // =====================================================================================
    // a node whose clock lags
    // =====================================================================================

    @Nested
    class ClockSkew {

        @Test
        void aWriterWithALaggingClockNeverMovesAChatDownTheList() {
            Actor user = businessUser(uid("org"));
            Instant start = clock.instant();
            ConversationId busy = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
            ConversationId idle = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
            clock.set(start.plusSeconds(100));
            chat.postMessage(user, busy, NewMessage.of("recent"));
            clock.set(start.plusSeconds(50));
            chat.postMessage(user, idle, NewMessage.of("older"));

            // another node, its clock an hour behind, writes into the busy chat
            clock.set(start.minusSeconds(3600));
            chat.postMessage(user, busy, NewMessage.of("from a lagging node"));

            assertThat(ids(chat.listConversations(user, ConversationFilter.all(), PageRequest.first(10))))
                    .containsExactly(busy, idle);
            Page<ConversationView> firstOnly = chat.listConversations(user, ConversationFilter.all(), PageRequest.first(1));
            assertThat(ids(chat.listConversations(user, ConversationFilter.all(),
                    PageRequest.first(10, firstOnly.pageInfo().endCursor())))).containsExactly(idle);
        }
    }

    // =====================================================================================
    // account threads: sellers meet one operator persona
    // =====================================================================================

    @Nested
    class AccountThreadPersona {

        @Test
        void businessUsersNeverSeeWhichStaffMemberWroteButStaffDo() {
            String org = uid("org");
            Actor seller = businessUser(org);
            Actor agent = Actor.service(uid("agent"), VIEW, WRITE);
            ConversationId thread = chat.accountThread(seller, org).id();
            chat.postMessage(seller, thread, NewMessage.of("question"));
            ParticipantMessage answer = chat.postMessage(agent, thread, NewMessage.of("answer"));
            assertThat(answer.message().authorUserId()).isEqualTo(agent.userId());

            List<ParticipantMessage> seen = chat.listMessages(seller, thread, PageRequest.first(10)).nodes();
            assertThat(seen).extracting(m -> m.message().authorUserId()).containsExactly(seller.userId(), null);
            assertThat(seen.get(1).sender().userId()).isNull();
            assertThat(chat.getConversation(seller, thread).lastMessage().message().authorUserId()).isNull();
            assertThat(chat.listConversations(seller, ConversationFilter.all(), PageRequest.first(10)).nodes())
                    .extracting(v -> v.lastMessage().message().authorUserId()).containsOnlyNulls();
            assertThat(chat.listMessages(admin, thread, PageRequest.first(10)).nodes())
                    .extracting(m -> m.message().authorUserId()).containsExactly(seller.userId(), agent.userId());
            assertThat(chat.getConversation(admin, thread).lastMessage().message().authorUserId())
                    .isEqualTo(agent.userId());
        }
    }

    // =====================================================================================
    // ledger details the store cannot hold
    // =====================================================================================

    @Nested
    class TicketDetailsBounds {

        @Test
        void oversizedDetailsAreAValidationErrorAndStoreNothing() {
            Actor user = businessUser(uid("org"));
            for (Map<String, String> details : List.of(Map.of("note", "x".repeat(1_200_000)),
                    manyEntries(101), manyEntries(60, "y".repeat(1000)))) {
                String tx = uid("tx");
                directory.register(tx, details, new WalletOwner(user.userId(), user.organizationId()));

                assertInvalid("details", () -> open(tx, ref(user), "hello"));
                assertThatThrownBy(() -> chat.ticket(admin, tx)).isInstanceOf(NotFoundException.class);
            }
        }

        private Map<String, String> manyEntries(int count) {
            return manyEntries(count, "v");
        }

        private Map<String, String> manyEntries(int count, String value) {
            Map<String, String> map = new HashMap<>();
            for (int i = 0; i < count; i++) {
                map.put("k" + i, value);
            }
            return map;
        }
    }

    // =====================================================================================
    // closing the service
    // =====================================================================================

    @Nested
    class Closing {

        @Test
        void closingDeliversTheEventsOfEveryCallThatReturned() {
            List<ChatEvent> heard = new CopyOnWriteArrayList<>();
            ChatService eager = service(builder -> builder.listenerTimeout(Duration.ZERO).listener(event -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a slow listener
                heard.add(event);
            }));
            Actor user = businessUser(uid("org"));
            ConversationId id = eager.startConversation(admin, new StartConversation(ref(user), null, null)).id();
            for (int i = 0; i < 50; i++) {
                eager.postMessage(user, id, NewMessage.of("m" + i));
            }

            eager.close();

            assertThat(heard).hasSize(51);
        }

        @Test
        void aCallInFlightWhenCloseStartsIsCommittedAndHeard() throws Exception {
            List<ChatEvent> heard = new CopyOnWriteArrayList<>();
            ChatService closing = service(b -> b.listener(heard::add));
            Actor user = businessUser(uid("org"));
            ConversationId id = closing.startConversation(admin, new StartConversation(ref(user), null, null)).id();
            java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            store.afterAppendingToFeed(() -> {
                inside.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            FutureTask<ParticipantMessage> post = new FutureTask<>(
                    () -> closing.postMessage(user, id, NewMessage.of("in flight")));
            new Thread(post, "in-flight-post").start();
            assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
            store.afterAppendingToFeed(null);

            FutureTask<Void> close = new FutureTask<>(closing::close, null);
            Thread closer = new Thread(close, "closing");
            closer.start();
            // close() marks the service closed, then waits for the call in flight
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int parkedSeen = 0;
            while (parkedSeen < 50) {
                parkedSeen = closer.getState() == Thread.State.TIMED_WAITING ? parkedSeen + 1 : 0;
                assertThat(System.nanoTime()).as("close() waits for the call in flight").isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            release.countDown();

            assertThat(post.get(60, TimeUnit.SECONDS).body()).isEqualTo("in flight");
            close.get(60, TimeUnit.SECONDS);
            assertThat(heard).filteredOn(e -> e instanceof ChatEvent.MessagePosted).hasSize(1);
        }

        @Test
        void callsAfterCloseAreRefusedAndCloseIsIdempotent() {
            ChatService closing = service(builder -> builder);
            closing.close();
            closing.close();

            assertThatThrownBy(() -> closing.accountThread(admin, uid("org"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> closing.listConversations(admin, ConversationFilter.all(), PageRequest.first(1)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    // =====================================================================================
    // helpers
    // =====================================================================================

    /** Another service over the same store, directory and clock, closed after the test. */
    protected ChatService service(java.util.function.UnaryOperator<dev.txchat.core.ChatServiceBuilder> configure) {
        ChatService service = configure.apply(ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .clock(clock)
                .listenerTimeout(LISTENER_TIMEOUT)).build();
        opened.add(service);
        return service;
    }

    /**
     * Runs {@code task} on another thread and returns true when it completed, or false as
     * soon as that thread is seen waiting on a lock the calling unit of work holds (a store
     * that serializes units of work); the task then completes later.
     */
    private static boolean runUntilDoneOrBlocked(FutureTask<Void> task) {
        Thread thread = new Thread(task, "txchat-contract-interleaved");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int waitingSeen = 0;
        while (!task.isDone()) {
            Thread.State state = thread.getState();
            waitingSeen = state == Thread.State.WAITING || state == Thread.State.BLOCKED ? waitingSeen + 1 : 0;
            if (waitingSeen >= 200) {
                return false;
            }
            if (System.nanoTime() > deadline) {
                fail("the concurrent call neither finished nor waited on a lock within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    private ConversationId conversationWithMessages(Actor user, int count) {
        ConversationId id = chat.startConversation(admin, new StartConversation(ref(user), null, null)).id();
        for (int i = 1; i <= count; i++) {
            chat.postMessage(user, id, NewMessage.of("m" + i));
        }
        return id;
    }

    private TransactionChat open(String tx, ParticipantRef who, String body) {
        return chat.openTransactionChat(admin, new OpenTransactionChat(tx, who, NewMessage.of(body)));
    }

    private String registerTransaction(Actor walletOwner) {
        String tx = uid("tx");
        directory.register(tx, Map.of("amount", "10.00 EUR"),
                new WalletOwner(walletOwner.userId(), walletOwner.organizationId()));
        return tx;
    }

    private List<String> bodies(Actor actor, ConversationId id) {
        List<String> bodies = new ArrayList<>();
        String after = null;
        do {
            Page<ParticipantMessage> page = chat.listMessages(actor, id,
                    after == null ? PageRequest.first(PageRequest.MAX_SIZE) : PageRequest.first(PageRequest.MAX_SIZE, after));
            page.nodes().forEach(m -> bodies.add(m.body()));
            after = page.pageInfo().hasNextPage() ? page.pageInfo().endCursor() : null;
        } while (after != null);
        return bodies;
    }

    private <E extends ChatEvent> List<E> eventsOf(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<ConversationId> ids(Page<ConversationView> page) {
        return page.nodes().stream().map(ConversationView::id).toList();
    }

    protected static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static Actor businessUser(String organizationId) {
        return Actor.business(uid("user"), organizationId);
    }

    private static ParticipantRef ref(Actor businessUser) {
        return ParticipantRef.businessUser(businessUser.userId(), businessUser.organizationId());
    }

    private static void assertInvalid(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.errors()).extracting(FieldError::field).as("fields named by: %s", e.getMessage())
                        .contains(field));
    }

    private static void assertConflictOnClientMessageId(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ConflictException.class,
                e -> assertThat(e.field()).isEqualTo("clientMessageId"));
    }

    @SuppressWarnings("unused")
    private static <T> T only(Optional<T> value) {
        return value.orElseThrow();
    }
}
