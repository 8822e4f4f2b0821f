package dev.txchat.testkit;

import static dev.txchat.testkit.AuthorizationMatrixContract.Rule.ALLOW;
import static dev.txchat.testkit.AuthorizationMatrixContract.Rule.AUTHOR;
import static dev.txchat.testkit.AuthorizationMatrixContract.Rule.DENY;
import static dev.txchat.testkit.AuthorizationMatrixContract.Rule.LISTED;
import static dev.txchat.testkit.AuthorizationMatrixContract.Rule.OWN_TICKET;
import static dev.txchat.testkit.AuthorizationMatrixContract.Rule.VISIBLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.MessageId;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.ConversationView;
import dev.txchat.core.Message;
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
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.WalletOwner;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The authorization matrix every {@link ChatStore} must pass when driven through the
 * {@link ChatService} facade: every call × every kind of actor × every kind of
 * conversation, each with its exact outcome (allowed, {@link AccessDeniedException},
 * {@link NotFoundException}, or, for lists, allowed but without the conversation), plus
 * the proof that nothing leaks to those outside a conversation: denied calls write
 * nothing and raise no event, lists neither show nor count it, tickets show only the
 * caller's own conversations, and a refusal for an existing conversation (or ticket, or
 * account thread) is indistinguishable from one for a target that does not exist.
 *
 * <p>The expected outcomes come from the explicit tables in this class (the permission
 * staff need per call, the business actors' rule per call, and who sees which kind of
 * conversation), written from the design's Rules table, never from the implementation;
 * {@link #expected} combines them.
 *
 * <p>Extend it and return the store under test from {@link #createStore()}:
 *
 * <pre>{@code
 * class MyAuthorizationMatrixTest extends AuthorizationMatrixContract {
 *     protected ChatStore createStore() { return new InMemoryChatStore(); }
 * }
 * }</pre>
 *
 * <p>The store may sit on a shared database that already holds other data: every case
 * builds its own small world from fresh random user, organization and transaction ids, and
 * only counts what those ids scope. Each test instance is used by one JUnit thread.
 */
public abstract class AuthorizationMatrixContract {

    private static final String CREATE = ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR;
    private static final String VIEW = ChatPermissions.CONVERSATION_VIEWER;
    private static final String WRITE = ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR;
    private static final String DELETE = ChatPermissions.CONVERSATION_DELETION_EXECUTOR;
    private static final String MANAGE = ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER;
    private static final String AUDIT = ChatPermissions.CONVERSATION_AUDITOR;
    private static final String RETAIN = ChatPermissions.CONVERSATION_RETENTION_MANAGER;
    private static final String[] ALL_PERMISSIONS = {CREATE, VIEW, WRITE, DELETE, MANAGE, AUDIT, RETAIN};

    // generous, so that a slow machine never lets a call return before its events arrived
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(60);
    private static final PageRequest WHOLE_PAGE = PageRequest.first(PageRequest.MAX_SIZE);

    /** Every {@link ChatService} call. */
    protected enum Call {
        START_CONVERSATION("startConversation"),
        OPEN_TRANSACTION_CHAT("openTransactionChat"),
        ACCOUNT_THREAD("accountThread"),
        GET_CONVERSATION("getConversation"),
        LIST_CONVERSATIONS("listConversations"),
        DELETE_CONVERSATION("deleteConversation"),
        ADD_PARTICIPANT("addParticipant"),
        REMOVE_PARTICIPANT("removeParticipant"),
        POST_MESSAGE("postMessage"),
        LIST_MESSAGES("listMessages"),
        MARK_READ("markRead"),
        TICKET("ticket"),
        /** Of the caller's own message: the insider's reply, or one a staff caller posted just before. */
        EDIT_MESSAGE("editMessage"),
        /** Of the insider's reply. */
        REDACT_MESSAGE("redactMessage"),
        MESSAGE_HISTORY("messageHistory"),
        VERIFY_AUDIT("verifyAudit"),
        PLACE_LEGAL_HOLD("placeLegalHold"),
        /** Of a hold placed just before. */
        RELEASE_LEGAL_HOLD("releaseLegalHold"),
        PURGE_EXPIRED("purgeExpired"),
        EXPORT_CONVERSATION("exportConversation"),
        RESTRICT_PROCESSING("restrictProcessing");

        final String method;

        Call(String method) {
            this.method = method;
        }

        /** Calls whose cases run only on a store that supports regulated mode (the service is then regulated). */
        boolean needsRegulatedMode() {
            return ordinal() >= EDIT_MESSAGE.ordinal();
        }
    }

    /** Who calls. Staff actors get a fresh user id in each case. */
    protected enum ActorKind {
        STAFF_CREATE("staff with only " + CREATE, CREATE),
        STAFF_VIEW("staff with only " + VIEW, VIEW),
        STAFF_WRITE("staff with only " + WRITE, WRITE),
        STAFF_DELETE("staff with only " + DELETE, DELETE),
        STAFF_MANAGE("staff with only " + MANAGE, MANAGE),
        STAFF_AUDIT("staff with only " + AUDIT, AUDIT),
        STAFF_RETAIN("staff with only " + RETAIN, RETAIN),
        STAFF_NONE("staff with no permission"),
        STAFF_ALL("staff with every permission", CREATE, VIEW, WRITE, DELETE, MANAGE, AUDIT, RETAIN),
        /** The business party of the conversation: its user-level participant, or a user of its account. */
        INSIDER("business user inside the conversation"),
        /** Another user of the insider's organization. */
        COLLEAGUE("business user, same org other user"),
        /** A user of another organization. */
        OUTSIDER("business user, other org"),
        /** A user of the insider's organization who writes in that organization's account thread. */
        SELLER("seller account user"),
        /** A user of another organization whose user id happens to equal the insider's. */
        NAMESAKE("business user, other org, same user id");

        final String label;
        final Set<String> permissions;

        ActorKind(String label, String... permissions) {
            this.label = label;
            this.permissions = Set.of(permissions);
        }

        boolean isStaff() {
            return ordinal() <= STAFF_ALL.ordinal();
        }
    }

    /** The conversation the case is about. */
    protected enum Setup {
        /** A direct chat a staff user started with one business user (user-level participant). */
        DIRECT("DIRECT", ConversationKind.DIRECT),
        /** A direct chat a staff user started with a whole business account (organization-level participant). */
        DIRECT_WITH_ACCOUNT("DIRECT with account", ConversationKind.DIRECT),
        /** The chat about a transaction with one of its business users. */
        TRANSACTION("TRANSACTION", ConversationKind.TRANSACTION),
        /** The insider's organization's account thread. */
        ACCOUNT("ACCOUNT", ConversationKind.ACCOUNT);

        final String label;
        final ConversationKind kind;

        Setup(String label, ConversationKind kind) {
            this.label = label;
            this.kind = kind;
        }
    }

    /** What a call must do. */
    protected enum Outcome {
        ALLOWED("Allowed"),
        /** A list call that succeeds but neither shows nor counts the conversation. */
        NOT_LISTED("Allowed, not listed"),
        DENIED("AccessDenied"),
        NOT_FOUND("NotFound"),
        CONFLICT("Conflict");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    // =====================================================================================
    // The tables (from DESIGN.md "Rules" and "SPI"), the single source of the expectations
    // =====================================================================================

    /** The permission a staff actor needs for each call. */
    private static final Map<Call, String> STAFF_NEEDS = new EnumMap<>(Map.ofEntries(
            Map.entry(Call.START_CONVERSATION, CREATE),
            Map.entry(Call.OPEN_TRANSACTION_CHAT, CREATE),
            Map.entry(Call.ACCOUNT_THREAD, VIEW),
            Map.entry(Call.GET_CONVERSATION, VIEW),
            Map.entry(Call.LIST_CONVERSATIONS, VIEW),
            Map.entry(Call.DELETE_CONVERSATION, DELETE),
            Map.entry(Call.ADD_PARTICIPANT, MANAGE),
            Map.entry(Call.REMOVE_PARTICIPANT, MANAGE),
            Map.entry(Call.POST_MESSAGE, WRITE),
            Map.entry(Call.LIST_MESSAGES, VIEW),
            Map.entry(Call.MARK_READ, WRITE),
            Map.entry(Call.TICKET, VIEW),
            Map.entry(Call.EDIT_MESSAGE, WRITE),
            Map.entry(Call.REDACT_MESSAGE, DELETE),
            Map.entry(Call.MESSAGE_HISTORY, AUDIT),
            Map.entry(Call.VERIFY_AUDIT, AUDIT),
            Map.entry(Call.PLACE_LEGAL_HOLD, RETAIN),
            Map.entry(Call.RELEASE_LEGAL_HOLD, RETAIN),
            Map.entry(Call.PURGE_EXPIRED, RETAIN),
            Map.entry(Call.EXPORT_CONVERSATION, AUDIT),
            Map.entry(Call.RESTRICT_PROCESSING, RETAIN)));

    /** What a business actor gets, before visibility is applied. */
    enum Rule {
        /** AccessDeniedException. */
        DENY,
        /** Allowed. */
        ALLOW,
        /** Allowed if the conversation is visible to the actor, else NotFoundException. */
        VISIBLE,
        /** Allowed; the conversation is listed and counted only if visible to the actor. */
        LISTED,
        /** Allowed, showing only the actor's own conversations, if one is on the ticket; else NotFoundException. */
        OWN_TICKET,
        /**
         * On the insider's message: allowed for its author, AccessDeniedException for another business
         * user who sees the conversation, NotFoundException for one who does not.
         */
        AUTHOR
    }

    /**
     * What each business actor gets per call. Columns: INSIDER, COLLEAGUE, OUTSIDER, SELLER, NAMESAKE.
     */
    private static final Map<Call, List<Rule>> BUSINESS_RULES = new EnumMap<>(Map.ofEntries(
            //                               INSIDER     COLLEAGUE   OUTSIDER    SELLER      NAMESAKE
            row(Call.START_CONVERSATION,     DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.OPEN_TRANSACTION_CHAT,  DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.ACCOUNT_THREAD,         ALLOW,      ALLOW,      DENY,       ALLOW,      DENY),
            row(Call.GET_CONVERSATION,       VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE),
            row(Call.LIST_CONVERSATIONS,     LISTED,     LISTED,     LISTED,     LISTED,     LISTED),
            row(Call.DELETE_CONVERSATION,    DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.ADD_PARTICIPANT,        DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.REMOVE_PARTICIPANT,     DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.POST_MESSAGE,           VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE),
            row(Call.LIST_MESSAGES,          VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE),
            row(Call.MARK_READ,              VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE,    VISIBLE),
            row(Call.TICKET,                 OWN_TICKET, OWN_TICKET, OWN_TICKET, OWN_TICKET, OWN_TICKET),
            row(Call.EDIT_MESSAGE,           AUTHOR,     AUTHOR,     AUTHOR,     AUTHOR,     AUTHOR),
            row(Call.REDACT_MESSAGE,         AUTHOR,     AUTHOR,     AUTHOR,     AUTHOR,     AUTHOR),
            row(Call.MESSAGE_HISTORY,        DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.VERIFY_AUDIT,           DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.PLACE_LEGAL_HOLD,       DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.RELEASE_LEGAL_HOLD,     DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.PURGE_EXPIRED,          DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.EXPORT_CONVERSATION,    DENY,       DENY,       DENY,       DENY,       DENY),
            row(Call.RESTRICT_PROCESSING,    DENY,       DENY,       DENY,       DENY,       DENY)));

    private static final List<ActorKind> BUSINESS_COLUMNS = List.of(
            ActorKind.INSIDER, ActorKind.COLLEAGUE, ActorKind.OUTSIDER, ActorKind.SELLER, ActorKind.NAMESAKE);

    private static Map.Entry<Call, List<Rule>> row(Call call, Rule... cells) {
        return Map.entry(call, List.of(cells));
    }

    /**
     * Which business actors see the conversation: a user-level participant only that user,
     * an organization-level one (a business account) every user of the organization.
     */
    private static final Map<Setup, Set<ActorKind>> VISIBLE_TO = new EnumMap<>(Map.of(
            Setup.DIRECT, EnumSet.of(ActorKind.INSIDER),
            Setup.DIRECT_WITH_ACCOUNT, EnumSet.of(ActorKind.INSIDER, ActorKind.COLLEAGUE, ActorKind.SELLER),
            Setup.TRANSACTION, EnumSet.of(ActorKind.INSIDER),
            Setup.ACCOUNT, EnumSet.of(ActorKind.INSIDER, ActorKind.COLLEAGUE, ActorKind.SELLER)));

    /** Business actors that belong to the organization owning the account thread of the case. */
    private static final Set<ActorKind> IN_ACCOUNT_ORGANIZATION =
            EnumSet.of(ActorKind.INSIDER, ActorKind.COLLEAGUE, ActorKind.SELLER);

    /** The expected outcome of one case, from the tables above. */
    protected static Outcome expected(Call call, ActorKind actor, Setup setup) {
        if (actor.isStaff()) {
            if (!actor.permissions.contains(STAFF_NEEDS.get(call))) {
                return Outcome.DENIED;
            }
            if ((call == Call.ADD_PARTICIPANT || call == Call.REMOVE_PARTICIPANT) && setup == Setup.ACCOUNT) {
                return Outcome.CONFLICT; // account threads have fixed participants
            }
            if (call == Call.TICKET && setup != Setup.TRANSACTION) {
                return Outcome.NOT_FOUND; // no chat was opened about the case's transaction, so it has no ticket
            }
            return Outcome.ALLOWED;
        }
        boolean visible = VISIBLE_TO.get(setup).contains(actor);
        return switch (BUSINESS_RULES.get(call).get(BUSINESS_COLUMNS.indexOf(actor))) {
            case DENY -> Outcome.DENIED;
            case ALLOW -> Outcome.ALLOWED;
            case VISIBLE -> visible ? Outcome.ALLOWED : Outcome.NOT_FOUND;
            case LISTED -> visible ? Outcome.ALLOWED : Outcome.NOT_LISTED;
            case OWN_TICKET -> visible && setup == Setup.TRANSACTION ? Outcome.ALLOWED : Outcome.NOT_FOUND;
            case AUTHOR -> !visible ? Outcome.NOT_FOUND : actor == ActorKind.INSIDER ? Outcome.ALLOWED : Outcome.DENIED;
        };
    }

    // =====================================================================================
    // Fixture
    // =====================================================================================

    /** The store under test, from {@link #createStore()} before each test. */
    protected ChatStore store;
    private FakeTransactionDirectory directory;
    private List<ChatEvent> events;
    private ChatService chat;
    private Actor admin;

    /** The store to test; called before each test. It may be shared and already hold data. */
    protected abstract ChatStore createStore();

    @BeforeEach
    void setUpChatService() {
        store = createStore();
        directory = new FakeTransactionDirectory();
        events = new CopyOnWriteArrayList<>();
        chat = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .listener(events::add)
                .listenerTimeout(LISTENER_TIMEOUT)
                // regulated where the store can be, so every case also runs with its audit chain
                .compliance(store.supportsRegulatedMode()
                        ? CompliancePolicy.regulated(Duration.ofDays(1)).withMaximumRetention(Duration.ofDays(2))
                        : CompliancePolicy.standard())
                .build();
        admin = Actor.service(uid("admin"), ALL_PERMISSIONS);
    }

    /**
     * One case's world: organization A with the insider, a colleague and a seller who writes
     * in A's account thread; organization B with an outsider; a transaction of the insider;
     * and the conversation under test, holding unread messages of both sides.
     */
    private final class World {
        final Setup setup;
        final String orgA = uid("orgA");
        final String orgB = uid("orgB");
        final Actor insider = Actor.business(uid("insider"), orgA);
        final Actor colleague = Actor.business(uid("colleague"), orgA);
        final Actor seller = Actor.business(uid("seller"), orgA);
        final Actor outsider = Actor.business(uid("outsider"), orgB);
        final Actor namesake = Actor.business(insider.userId(), orgB);
        final String tx = uid("tx");
        final Conversation accountThread;
        final Conversation subject;

        World(Setup setup) {
            this.setup = setup;
            directory.register(tx, Map.of("amount", "10.00 EUR"), new WalletOwner(insider.userId(), orgA));
            accountThread = chat.accountThread(admin, orgA);
            chat.postMessage(seller, accountThread.id(), NewMessage.of("the seller writes to the operator"));
            subject = switch (setup) {
                case DIRECT -> chat.startConversation(admin, new StartConversation(
                        insiderRef(), "just for you", NewMessage.of("hello, insider")));
                case DIRECT_WITH_ACCOUNT -> chat.startConversation(admin, new StartConversation(
                        ParticipantRef.businessAccount(orgA), "for the whole team", NewMessage.of("hello, team")));
                case TRANSACTION -> chat.openTransactionChat(admin, new OpenTransactionChat(
                        tx, insiderRef(), NewMessage.of("about your payment"))).conversation();
                case ACCOUNT -> {
                    chat.postMessage(admin, accountThread.id(), NewMessage.of("the operator writes to the seller"));
                    yield accountThread;
                }
            };
            insiderReply = chat.postMessage(insider, subject.id(), NewMessage.of("a private reply from the insider"))
                    .id();
        }

        final MessageId insiderReply;

        ParticipantRef insiderRef() {
            return ParticipantRef.businessUser(insider.userId(), orgA);
        }

        /** The business party of the conversation under test. */
        ParticipantRef businessParty() {
            return setup == Setup.DIRECT || setup == Setup.TRANSACTION
                    ? insiderRef() : ParticipantRef.businessAccount(orgA);
        }

        /** A participant of the conversation under test a manager could remove. */
        ParticipantId removable() {
            return subject.participants().stream()
                    .filter(p -> p.type() == ParticipantType.SERVICE)
                    .findFirst().orElseThrow().id();
        }

        Actor actor(ActorKind kind) {
            return switch (kind) {
                case INSIDER -> insider;
                case COLLEAGUE -> colleague;
                case OUTSIDER -> outsider;
                case SELLER -> seller;
                case NAMESAKE -> namesake;
                default -> Actor.service(uid("staff"), kind.permissions.toArray(String[]::new));
            };
        }

        /** The conversations of this world the business actor may see. */
        Set<ConversationId> visibleTo(ActorKind kind) {
            Set<ConversationId> visible = new LinkedHashSet<>();
            if (VISIBLE_TO.get(setup).contains(kind)) {
                visible.add(subject.id());
            }
            if (IN_ACCOUNT_ORGANIZATION.contains(kind)) {
                visible.add(accountThread.id());
            }
            return visible;
        }

        /** Every conversation of this world, as staff list them by organization. */
        Set<ConversationId> all() {
            return new LinkedHashSet<>(List.of(subject.id(), accountThread.id()));
        }
    }

    /** What a call targets: the world's real conversation, transaction, organization, or a nonexistent one. */
    private record Target(ConversationId conversation, String transactionId, String organizationId,
                          ParticipantRef businessParty, MessageId message) {
    }

    private static Target real(World w) {
        return new Target(w.subject.id(), w.tx, w.orgA, w.businessParty(), w.insiderReply);
    }

    /** For an edit by staff, the real target is the caller's own message, posted before the case. */
    private static Target real(World w, MessageId message) {
        return new Target(w.subject.id(), w.tx, w.orgA, w.businessParty(), message);
    }

    private static Target phantom() {
        return new Target(ConversationId.random(), uid("tx"), uid("org"),
                ParticipantRef.businessUser(uid("nobody"), uid("org")), MessageId.random());
    }

    // =====================================================================================
    // The matrix
    // =====================================================================================

    @TestFactory
    Stream<DynamicTest> everyCallByEveryActorOnEveryKindOfConversation() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Call call : Call.values()) {
            if (call.needsRegulatedMode() && !store.supportsRegulatedMode()) {
                continue;
            }
            for (ActorKind actor : ActorKind.values()) {
                for (Setup setup : Setup.values()) {
                    Outcome outcome = expected(call, actor, setup);
                    String name = call.method + " | " + actor.label + " | " + setup.label + " → " + outcome.label;
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        try {
                            runCase(call, actor, setup, outcome);
                        } catch (AssertionError e) {
                            // surefire reports dynamic tests by index: name the case in the failure itself
                            throw new AssertionError(name + ": " + e.getMessage(), e);
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    private static final Set<String> LIFECYCLE = Set.of("close", "feed");

    @Test
    void theMatrixCoversEveryChatServiceCall() {
        Set<String> calls = Arrays.stream(ChatService.class.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                // lifecycle and the change feed, not calls on a conversation
                .filter(m -> !LIFECYCLE.contains(m.getName()))
                .map(Method::getName)
                .collect(Collectors.toSet());

        assertThat(Arrays.stream(Call.values()).map(c -> c.method).collect(Collectors.toSet()))
                .isEqualTo(calls);
    }

    @Test
    void theTablesGiveEveryCaseAnOutcome() {
        assertThat(STAFF_NEEDS).containsOnlyKeys(Call.values());
        assertThat(BUSINESS_RULES).containsOnlyKeys(Call.values());
        assertThat(BUSINESS_RULES.values()).allSatisfy(row -> assertThat(row).hasSize(BUSINESS_COLUMNS.size()));
        assertThat(VISIBLE_TO).containsOnlyKeys(Setup.values());
        for (Setup setup : Setup.values()) {
            assertThat(VISIBLE_TO.get(setup)).as("the insider of %s", setup).contains(ActorKind.INSIDER)
                    .doesNotContain(ActorKind.OUTSIDER);
        }
    }

    private void runCase(Call call, ActorKind kind, Setup setup, Outcome outcome) {
        World world = new World(setup);
        Actor actor = world.actor(kind);
        Target target = real(world);
        if (call == Call.EDIT_MESSAGE && kind.isStaff()) {
            // the caller's own message, written with the permission the caller may lack
            Actor writer = Actor.service(actor.userId(), WRITE);
            target = real(world, chat.postMessage(writer, world.subject.id(), NewMessage.of("staff wrote this")).id());
        }
        if (call == Call.RELEASE_LEGAL_HOLD) {
            chat.placeLegalHold(admin, world.subject.id(), "a hold to release");
        }
        Target realTarget = target;
        Snapshot before = snapshot(world);

        Attempt attempt = attempt(() -> invoke(call, actor, world, realTarget));

        switch (outcome) {
            case ALLOWED, NOT_LISTED -> {
                if (attempt.failure != null) {
                    throw new AssertionError("expected " + outcome.label + " but the call threw " + attempt.failure,
                            attempt.failure);
                }
                verifyAllowed(call, kind, actor, world, before, attempt.result, outcome);
            }
            case DENIED -> assertFailed(attempt, AccessDeniedException.class, world, before);
            case NOT_FOUND -> assertFailed(attempt, NotFoundException.class, world, before);
            case CONFLICT -> assertFailed(attempt, ConflictException.class, world, before);
        }

        // a business user refused another's message in a conversation it sees already knows that it exists
        boolean refusedInsideAVisibleConversation = outcome == Outcome.DENIED && !kind.isStaff()
                && BUSINESS_RULES.get(call).get(BUSINESS_COLUMNS.indexOf(kind)) == AUTHOR;
        if ((outcome == Outcome.DENIED || outcome == Outcome.NOT_FOUND) && !refusedInsideAVisibleConversation) {
            // existence is not inferable: the same refusal, word for word, as for a target that does not exist
            Target phantom = phantom();
            Attempt onNothing = attempt(() -> invoke(call, actor, world, phantom));
            assertThat(onNothing.failure).as("%s on a nonexistent target", call.method)
                    .isExactlyInstanceOf(attempt.failure.getClass());
            assertThat(normalized(onNothing.failure.getMessage(), phantom))
                    .as("the refusal's message must not reveal that the target exists")
                    .isEqualTo(normalized(attempt.failure.getMessage(), realTarget));
        }
        if (!kind.isStaff()) {
            assertNothingLeaksTo(kind, actor, world);
        }
    }

    private Object invoke(Call call, Actor actor, World w, Target t) {
        return switch (call) {
            case START_CONVERSATION -> chat.startConversation(actor,
                    new StartConversation(t.businessParty(), "a new chat", NewMessage.of("a first message")));
            case OPEN_TRANSACTION_CHAT -> chat.openTransactionChat(actor, new OpenTransactionChat(t.transactionId(),
                    w.insiderRef(), NewMessage.of("about the transaction")));
            case ACCOUNT_THREAD -> chat.accountThread(actor, t.organizationId());
            case GET_CONVERSATION -> chat.getConversation(actor, t.conversation());
            case LIST_CONVERSATIONS -> chat.listConversations(actor,
                    actor.isService() ? ConversationFilter.all().withParticipantId(w.orgA) : ConversationFilter.all(),
                    WHOLE_PAGE);
            case DELETE_CONVERSATION -> {
                chat.deleteConversation(actor, t.conversation());
                yield null;
            }
            case ADD_PARTICIPANT -> chat.addParticipant(actor, t.conversation(), ParticipantRef.serviceUser("added-"
                    + w.orgA));
            case REMOVE_PARTICIPANT -> {
                chat.removeParticipant(actor, t.conversation(), w.removable());
                yield null;
            }
            case POST_MESSAGE -> chat.postMessage(actor, t.conversation(), NewMessage.of("a message by the caller"));
            case LIST_MESSAGES -> chat.listMessages(actor, t.conversation(), WHOLE_PAGE);
            case MARK_READ -> chat.markRead(actor, t.conversation(),
                    actor.isService() ? ParticipantType.BUSINESS : ParticipantType.SERVICE);
            case TICKET -> chat.ticket(actor, t.transactionId());
            case EDIT_MESSAGE -> chat.editMessage(actor, t.conversation(), t.message(), "edited by the caller");
            case REDACT_MESSAGE -> chat.redactMessage(actor, t.conversation(), t.message(), "redacted by the caller");
            case MESSAGE_HISTORY -> chat.messageHistory(actor, t.conversation(), t.message());
            case VERIFY_AUDIT -> chat.verifyAudit(actor, t.conversation());
            case PLACE_LEGAL_HOLD -> {
                chat.placeLegalHold(actor, t.conversation(), "held by the caller");
                yield null;
            }
            case RELEASE_LEGAL_HOLD -> {
                chat.releaseLegalHold(actor, t.conversation(), "released by the caller");
                yield null;
            }
            case PURGE_EXPIRED -> chat.purgeExpired(actor);
            case EXPORT_CONVERSATION -> {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                chat.exportConversation(actor, t.conversation(), out);
                yield out.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            case RESTRICT_PROCESSING -> {
                chat.restrictProcessing(actor, "restricted-" + t.organizationId());
                yield null;
            }
        };
    }

    private static Message withoutAuthor(Message m) {
        return new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(), m.sentByType(), null, m.body(),
                m.createdAt(), m.readAt(), m.clientMessageId());
    }

    private void verifyAllowed(Call call, ActorKind kind, Actor actor, World w, Snapshot before, Object result,
                               Outcome outcome) {
        ConversationId id = w.subject.id();
        switch (call) {
            case START_CONVERSATION -> {
                Conversation started = (Conversation) result;
                assertThat(started.kind()).isEqualTo(ConversationKind.DIRECT);
                assertThat(started.id()).isNotIn(w.all());
                assertThat(started.activeParticipants()).anyMatch(p -> p.is(w.businessParty()))
                        .anyMatch(p -> p.is(ParticipantRef.serviceUser(actor.userId())));
            }
            case OPEN_TRANSACTION_CHAT -> {
                TransactionChat opened = (TransactionChat) result;
                assertThat(opened.conversation().transactionId()).isEqualTo(w.tx);
                assertThat(opened.created()).isEqualTo(w.setup != Setup.TRANSACTION);
                if (w.setup == Setup.TRANSACTION) {
                    assertThat(opened.conversation().id()).isEqualTo(id);
                }
                assertThat(opened.message().body()).isEqualTo("about the transaction");
            }
            case ACCOUNT_THREAD -> {
                Conversation thread = (Conversation) result;
                assertThat(thread.id()).isEqualTo(w.accountThread.id());
                assertThat(thread.kind()).isEqualTo(ConversationKind.ACCOUNT);
            }
            case GET_CONVERSATION -> {
                ConversationView view = (ConversationView) result;
                assertThat(view.id()).isEqualTo(id);
                assertThat(view.messageCount()).isEqualTo(before.subject.messageCount());
                assertThat(view.lastMessage().message().conversationId()).isEqualTo(id);
            }
            case LIST_CONVERSATIONS -> {
                @SuppressWarnings("unchecked")
                Page<ConversationView> page = (Page<ConversationView>) result;
                Set<ConversationId> expectedIds = kind.isStaff() ? w.all() : w.visibleTo(kind);
                assertThat(ids(page)).containsExactlyInAnyOrderElementsOf(expectedIds);
                assertThat(page.totalCount()).isEqualTo(expectedIds.size());
                if (outcome == Outcome.ALLOWED) {
                    assertThat(ids(page)).contains(id);
                } else {
                    assertThat(ids(page)).doesNotContain(id);
                }
            }
            case DELETE_CONVERSATION -> {
                assertThat(chat.getConversation(admin, id).conversation().status())
                        .isEqualTo(ConversationStatus.DELETED);
                assertThat(attempt(() -> chat.getConversation(w.insider, id)).failure)
                        .isInstanceOf(NotFoundException.class);
            }
            case ADD_PARTICIPANT -> {
                Participant added = (Participant) result;
                assertThat(added.is(ParticipantRef.serviceUser("added-" + w.orgA))).isTrue();
                assertThat(chat.getConversation(admin, id).conversation().activeParticipants()).contains(added);
            }
            case REMOVE_PARTICIPANT -> assertThat(chat.getConversation(admin, id).conversation()
                    .participant(w.removable()).orElseThrow().isActive()).isFalse();
            case POST_MESSAGE -> {
                ParticipantMessage posted = (ParticipantMessage) result;
                assertThat(posted.message().conversationId()).isEqualTo(id);
                assertThat(posted.body()).isEqualTo("a message by the caller");
                assertThat(posted.sentByType()).isEqualTo(actor.type());
                assertThat(posted.message().authorUserId()).isEqualTo(actor.userId());
                assertThat(chat.getConversation(admin, id).messageCount())
                        .isEqualTo(before.subject.messageCount() + 1);
            }
            case LIST_MESSAGES -> {
                @SuppressWarnings("unchecked")
                Page<ParticipantMessage> page = (Page<ParticipantMessage>) result;
                // in an account thread a business viewer sees staff messages as the platform's
                boolean persona = !actor.isService() && w.subject.kind() == ConversationKind.ACCOUNT;
                assertThat(page.nodes()).extracting(m -> m.message()).containsExactlyElementsOf(before.messages.stream()
                        .map(m -> persona && m.sentByType() == ParticipantType.SERVICE ? withoutAuthor(m) : m)
                        .toList());
                assertThat(page.totalCount()).isEqualTo(before.subject.messageCount());
            }
            case MARK_READ -> {
                ReadReceipt receipt = (ReadReceipt) result;
                assertThat(receipt.conversationId()).isEqualTo(id);
                assertThat(receipt.markedRead()).isPositive();
                Actor reader = actor.isService() ? admin : actor;
                assertThat(chat.getConversation(reader, id).unreadCount()).isZero();
            }
            case TICKET -> {
                TransactionTicket ticket = (TransactionTicket) result;
                assertThat(ticket.transactionId()).isEqualTo(w.tx);
                List<ConversationId> onTicket = ticket.conversations().stream().map(Conversation::id).toList();
                if (kind.isStaff()) {
                    assertThat(onTicket).contains(id);
                } else {
                    assertThat(onTicket).containsExactly(id);
                }
            }
            case EDIT_MESSAGE -> {
                ParticipantMessage edited = (ParticipantMessage) result;
                assertThat(edited.body()).isEqualTo("edited by the caller");
                assertThat(edited.editedAt()).isNotNull();
                assertThat(chat.messageHistory(admin, id, edited.id())).hasSize(2);
            }
            case REDACT_MESSAGE -> {
                assertThat(((ParticipantMessage) result).isRedacted()).isTrue();
                assertThat(chat.listMessages(admin, id, WHOLE_PAGE).nodes()).filteredOn(m -> m.id().equals(w.insiderReply))
                        .singleElement().satisfies(m -> assertThat(m.body()).isEmpty());
            }
            case MESSAGE_HISTORY -> {
                @SuppressWarnings("unchecked")
                List<dev.txchat.core.MessageVersion> history = (List<dev.txchat.core.MessageVersion>) result;
                assertThat(history).singleElement()
                        .satisfies(v -> assertThat(v.body()).isEqualTo("a private reply from the insider"));
            }
            case VERIFY_AUDIT -> assertThat(((dev.txchat.core.AuditVerification) result).valid()).isTrue();
            case PLACE_LEGAL_HOLD -> assertThat(attempt(() -> {
                chat.placeLegalHold(admin, id, "a second hold");
                return null;
            }).failure).as("already on hold").isInstanceOf(ConflictException.class);
            case RELEASE_LEGAL_HOLD -> assertThat(attempt(() -> {
                chat.releaseLegalHold(admin, id, "again");
                return null;
            }).failure).as("no longer on hold").isInstanceOf(ConflictException.class);
            case PURGE_EXPIRED -> assertThat(((dev.txchat.core.PurgeResult) result).messagesPurged()).isZero();
            case EXPORT_CONVERSATION -> assertThat((String) result).contains(id.toString())
                    .contains("a private reply from the insider").contains("\"valid\":true");
            case RESTRICT_PROCESSING -> assertThat(result).isNull();
        }
    }

    private void assertFailed(Attempt attempt, Class<? extends RuntimeException> expected, World w, Snapshot before) {
        assertThat(attempt.failure).as("the call must fail with %s", expected.getSimpleName())
                .isExactlyInstanceOf(expected);
        assertThat(snapshot(w)).as("a refused call changes nothing and raises no event").isEqualTo(before);
    }

    /**
     * Whatever else the actor tries, the conversation under test shows in none of its
     * lists, counts or tickets unless it is visible to it.
     */
    private void assertNothingLeaksTo(ActorKind kind, Actor actor, World w) {
        Set<ConversationId> visible = w.visibleTo(kind);
        List<ConversationFilter> filters = List.of(
                ConversationFilter.all(),
                ConversationFilter.all().includingDeleted(),
                ConversationFilter.all().withParticipantId(w.insider.userId()),
                ConversationFilter.all().withParticipantId(w.orgA),
                ConversationFilter.all().withParticipantId(admin.userId()),
                ConversationFilter.all().withParticipantId(admin.userId()).withParticipantType(ParticipantType.SERVICE),
                ConversationFilter.all().withParticipantType(ParticipantType.BUSINESS),
                ConversationFilter.all().withTransactionId(w.tx).includingDeleted(),
                ConversationFilter.all().withKind(w.setup.kind));
        for (ConversationFilter filter : filters) {
            Page<ConversationView> page = chat.listConversations(actor, filter, WHOLE_PAGE);
            assertThat(ids(page)).as("listed for %s with %s", kind.label, filter).isSubsetOf(visible);
            assertThat(page.totalCount()).as("counted for %s with %s", kind.label, filter)
                    .isEqualTo(page.nodes().size());
            for (ConversationView view : page.nodes()) {
                if (view.lastMessage() != null) {
                    assertThat(view.lastMessage().message().conversationId()).isEqualTo(view.id());
                }
            }
        }
        Attempt ticket = attempt(() -> chat.ticket(actor, w.tx));
        if (ticket.failure == null) {
            List<ConversationId> onTicket = ((TransactionTicket) ticket.result).conversations().stream()
                    .map(Conversation::id).toList();
            assertThat(onTicket).as("ticket as seen by %s", kind.label).isNotEmpty().isSubsetOf(visible);
        } else {
            assertThat(ticket.failure).isExactlyInstanceOf(NotFoundException.class);
        }
    }

    // =====================================================================================
    // Tickets shared by several business users
    // =====================================================================================

    @Test
    void aTicketSharedByUsersOfSeveralOrganizationsShowsEachUserOnlyTheirOwnConversation() {
        String orgA = uid("orgA");
        String orgB = uid("orgB");
        Actor userA = Actor.business(uid("userA"), orgA);
        Actor colleagueA = Actor.business(uid("colleagueA"), orgA);
        Actor userB = Actor.business(uid("userB"), orgB);
        String tx = uid("tx");
        directory.register(tx, Map.of("amount", "99.00 EUR"), new WalletOwner(userA.userId(), orgA),
                new WalletOwner(colleagueA.userId(), orgA), new WalletOwner(userB.userId(), orgB));
        ConversationId chatA = open(tx, userA);
        ConversationId chatB = open(tx, userB);

        assertThat(chat.ticket(admin, tx).conversations()).extracting(Conversation::id)
                .containsExactlyInAnyOrder(chatA, chatB);
        assertThat(chat.ticket(userA, tx).conversations()).extracting(Conversation::id).containsExactly(chatA);
        assertThat(chat.ticket(userB, tx).conversations()).extracting(Conversation::id).containsExactly(chatB);
        String missingTx = uid("tx");
        Attempt colleague = attempt(() -> chat.ticket(colleagueA, tx));
        Attempt nobody = attempt(() -> chat.ticket(colleagueA, missingTx));
        assertThat(colleague.failure).isExactlyInstanceOf(NotFoundException.class);
        assertThat(nobody.failure).isExactlyInstanceOf(NotFoundException.class);
        assertThat(colleague.failure.getMessage().replace(tx, "<tx>"))
                .isEqualTo(nobody.failure.getMessage().replace(missingTx, "<tx>"));

        for (Actor user : List.of(userA, userB)) {
            ConversationId own = user == userA ? chatA : chatB;
            for (ConversationFilter filter : List.of(ConversationFilter.all(),
                    ConversationFilter.all().withTransactionId(tx),
                    ConversationFilter.all().withKind(ConversationKind.TRANSACTION).includingDeleted())) {
                Page<ConversationView> page = chat.listConversations(user, filter, WHOLE_PAGE);
                assertThat(ids(page)).containsExactly(own);
                assertThat(page.totalCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void aDeletedChatLeavesTheTicketOfItsBusinessUserNotFound() {
        String org = uid("org");
        Actor user = Actor.business(uid("user"), org);
        String tx = uid("tx");
        directory.register(tx, Map.of(), new WalletOwner(user.userId(), org));
        ConversationId id = open(tx, user);

        chat.deleteConversation(admin, id);

        assertThat(attempt(() -> chat.ticket(user, tx)).failure).isExactlyInstanceOf(NotFoundException.class);
        assertThat(chat.ticket(admin, tx).conversations()).extracting(Conversation::id).containsExactly(id);
    }

    @Test
    void aRemovedBusinessUserNoLongerSeesTheChatAnywhere() {
        String org = uid("org");
        Actor user = Actor.business(uid("user"), org);
        String tx = uid("tx");
        directory.register(tx, Map.of(), new WalletOwner(user.userId(), org));
        TransactionChat opened = chat.openTransactionChat(admin, new OpenTransactionChat(tx,
                ParticipantRef.businessUser(user.userId(), org), NewMessage.of("hello")));
        ConversationId id = opened.conversation().id();
        Participant participant = opened.conversation().participants().stream()
                .filter(p -> p.type() == ParticipantType.BUSINESS).findFirst().orElseThrow();

        chat.removeParticipant(admin, id, participant.id());

        assertThat(attempt(() -> chat.getConversation(user, id)).failure).isExactlyInstanceOf(NotFoundException.class);
        assertThat(attempt(() -> chat.listMessages(user, id, WHOLE_PAGE)).failure)
                .isExactlyInstanceOf(NotFoundException.class);
        assertThat(attempt(() -> chat.postMessage(user, id, NewMessage.of("still here?"))).failure)
                .isExactlyInstanceOf(NotFoundException.class);
        assertThat(attempt(() -> chat.markRead(user, id, ParticipantType.SERVICE)).failure)
                .isExactlyInstanceOf(NotFoundException.class);
        assertThat(attempt(() -> chat.ticket(user, tx)).failure).isExactlyInstanceOf(NotFoundException.class);
        Page<ConversationView> page = chat.listConversations(user, ConversationFilter.all(), WHOLE_PAGE);
        assertThat(page.nodes()).isEmpty();
        assertThat(page.totalCount()).isZero();
    }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    /** What a refused call must leave exactly as it was. */
    private record Snapshot(ConversationView subject, List<Message> messages, long conversationsOfOrganization,
                            Optional<List<Conversation>> ticket, Conversation accountThread, int events) {
    }

    private Snapshot snapshot(World w) {
        ConversationView subject = chat.getConversation(admin, w.subject.id());
        List<Message> messages = chat.listMessages(admin, w.subject.id(), WHOLE_PAGE).nodes().stream()
                .map(ParticipantMessage::message).toList();
        long conversations = chat.listConversations(admin,
                ConversationFilter.all().withParticipantId(w.orgA).includingDeleted(), PageRequest.first(1))
                .totalCount();
        Attempt ticket = attempt(() -> chat.ticket(admin, w.tx));
        Optional<List<Conversation>> ticketConversations = ticket.failure == null
                ? Optional.of(((TransactionTicket) ticket.result).conversations()) : Optional.empty();
        return new Snapshot(subject, messages, conversations, ticketConversations,
                chat.getConversation(admin, w.accountThread.id()).conversation(), events.size());
    }

    private ConversationId open(String tx, Actor user) {
        return chat.openTransactionChat(admin, new OpenTransactionChat(tx,
                ParticipantRef.businessUser(user.userId(), user.organizationId()), NewMessage.of("hello"))).conversation()
                .id();
    }

    private static String normalized(String message, Target target) {
        String result = message == null ? "" : message;
        for (String value : List.of(target.conversation().toString(), target.transactionId(),
                target.organizationId())) {
            result = result.replace(value, "<target>");
        }
        return result;
    }

    private static List<ConversationId> ids(Page<ConversationView> page) {
        return page.nodes().stream().map(ConversationView::id).toList();
    }

    private static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private record Attempt(Object result, RuntimeException failure) {
    }

    private static Attempt attempt(java.util.function.Supplier<?> call) {
        try {
            return new Attempt(call.get(), null);
        } catch (RuntimeException e) {
            return new Attempt(null, e);
        }
    }
}
