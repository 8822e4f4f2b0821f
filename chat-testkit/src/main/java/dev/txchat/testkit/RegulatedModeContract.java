package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.AuditVerification;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.PurgeResult;
import dev.txchat.core.StartConversation;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.WalletOwner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regulated mode (issue 13) and message edits and redactions, driven through the
 * {@link ChatService} facade, for every store whose {@link ChatStore#supportsRegulatedMode()}
 * is true: edit window and authorship, tombstones participants see against the records kept,
 * the audit chain and every way of tampering with it behind the library's back, minimum
 * retention against delete, legal hold against purge, purge batches, the export document,
 * and processing restriction.
 *
 * <p>Extend it, return the store under test from {@link #createStore()}, and implement the
 * tamper hooks with the store's own raw access (an in-memory store edits its maps, a SQL
 * store runs a plain {@code UPDATE} or {@code DELETE} that bypasses txchat):
 *
 * <pre>{@code
 * class MyRegulatedModeTest extends RegulatedModeContract {
 *     protected ChatStore createStore() { return store; }
 *     protected void tamperMessageBody(ConversationId c, MessageId m, String body) { ... }
 *     ...
 * }
 * }</pre>
 *
 * <p>The store may sit on a shared database that already holds other data: every test uses
 * fresh random ids. The clock is a {@link MutableClock} the tests move.
 */
public abstract class RegulatedModeContract {

    /** The minimum retention of the regulated services under test. */
    protected static final Duration MINIMUM_RETENTION = Duration.ofDays(365);
    /** Their maximum retention. */
    protected static final Duration MAXIMUM_RETENTION = Duration.ofDays(2 * 365);
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(60);

    /** The store under test, from {@link #createStore()} before each test, wrapped to inject pauses. */
    protected ChatStore store;
    private InterceptingChatStore intercepting;
    protected FakeTransactionDirectory directory;
    protected MutableClock clock;
    /** Every event the regulated service delivered, in order. */
    protected List<ChatEvent> events;
    /** A service in regulated mode with {@link #MINIMUM_RETENTION} and {@link #MAXIMUM_RETENTION}. */
    protected ChatService regulated;
    /** A service on the same store with the standard policy (not regulated). */
    protected ChatService standard;
    /** A staff user holding every permission; a new user id for each test. */
    protected Actor admin;

    /** The store to test; called before each test. It may be shared and already hold data. */
    protected abstract ChatStore createStore();

    /** Overwrites the stored current body of a message, bypassing txchat (a SQL {@code UPDATE}). */
    protected abstract void tamperMessageBody(ConversationId conversation, MessageId message, String body);

    /**
     * Overwrites the stored body of a superseded version (number as in
     * {@link dev.txchat.core.MessageVersion#number()}), bypassing txchat.
     */
    protected abstract void tamperMessageVersion(ConversationId conversation, MessageId message, int number,
                                                 String body);

    /** Overwrites the stored canonical text ({@code entry}) of an audit entry, leaving its hashes. */
    protected abstract void tamperAuditEntry(ConversationId conversation, long sequence, String entry);

    /** Deletes an audit entry, bypassing txchat. */
    protected abstract void deleteAuditEntry(ConversationId conversation, long sequence);

    @BeforeEach
    void setUpServices() {
        intercepting = new InterceptingChatStore(createStore());
        store = intercepting;
        directory = new FakeTransactionDirectory();
        clock = MutableClock.startingAtEpochDay();
        events = new CopyOnWriteArrayList<>();
        regulated = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .clock(clock)
                .listener(events::add)
                .listenerTimeout(LISTENER_TIMEOUT)
                .compliance(CompliancePolicy.regulated(MINIMUM_RETENTION).withMaximumRetention(MAXIMUM_RETENTION))
                .build();
        standard = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .clock(clock)
                .listenerTimeout(LISTENER_TIMEOUT)
                .build();
        admin = Actor.service(uid("admin"), ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER,
                ChatPermissions.CONVERSATION_AUDITOR, ChatPermissions.CONVERSATION_RETENTION_MANAGER);
    }

    // =====================================================================================
    // Edits
    // =====================================================================================

    @Test
    void theAuthorEditsWithinTheWindowAndEveryVersionIsKept() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("first words"));
        clock.advance(Duration.ofMinutes(5));
        Instant editTime = clock.instant();

        ParticipantMessage edited = regulated.editMessage(w.insider, w.id, posted.id(), "  second words ");

        assertThat(edited.body()).isEqualTo("second words");
        assertThat(edited.editedAt()).isEqualTo(editTime);
        assertThat(edited.sequence()).isEqualTo(posted.sequence());
        ParticipantMessage listed = last(regulated.listMessages(admin, w.id, PageRequest.first(100)).nodes());
        assertThat(listed.body()).isEqualTo("second words");
        assertThat(listed.message().editedAt()).isEqualTo(editTime);
        assertThat(regulated.messageHistory(admin, w.id, posted.id()))
                .extracting(MessageVersion::number, MessageVersion::body, MessageVersion::current)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "first words", false),
                        org.assertj.core.groups.Tuple.tuple(2, "second words", true));
        assertThat(events).filteredOn(e -> e instanceof ChatEvent.MessageEdited).singleElement()
                .satisfies(e -> assertThat(((ChatEvent.MessageEdited) e).message().body()).isEqualTo("second words"));
    }

    @Test
    void theEditWindowEndsExactlyAfterItsLength() {
        World w = new World(regulated);
        ParticipantMessage inTime = regulated.postMessage(w.insider, w.id, NewMessage.of("one"));
        ParticipantMessage late = regulated.postMessage(w.insider, w.id, NewMessage.of("two"));
        clock.advance(CompliancePolicy.DEFAULT_EDIT_WINDOW);

        assertThat(regulated.editMessage(w.insider, w.id, inTime.id(), "one, edited").body()).isEqualTo("one, edited");
        clock.advance(Duration.ofNanos(1000));
        assertThatThrownBy(() -> regulated.editMessage(w.insider, w.id, late.id(), "two, edited"))
                .isInstanceOf(ConflictException.class).hasMessageContaining("edit window");
        assertThat(regulated.messageHistory(admin, w.id, late.id())).singleElement()
                .satisfies(v -> assertThat(v.body()).isEqualTo("two"));
    }

    @Test
    void onlyTheAuthorMayEditEvenInTheSameAccount() {
        World w = new World(regulated);
        Conversation thread = regulated.accountThread(admin, w.org);
        ParticipantMessage mine = regulated.postMessage(w.insider, thread.id(), NewMessage.of("from the insider"));
        Actor colleague = Actor.business(uid("colleague"), w.org);
        Actor sameIdOtherOrg = Actor.business(w.insider.userId(), uid("org"));

        assertThatThrownBy(() -> regulated.editMessage(colleague, thread.id(), mine.id(), "hijacked"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> regulated.editMessage(admin, thread.id(), mine.id(), "hijacked"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> regulated.editMessage(sameIdOtherOrg, thread.id(), mine.id(), "hijacked"))
                .isInstanceOf(dev.txchat.core.NotFoundException.class);
        assertThat(regulated.messageHistory(admin, thread.id(), mine.id())).singleElement()
                .satisfies(v -> assertThat(v.body()).isEqualTo("from the insider"));
    }

    @Test
    void anEditPassesTheContentPolicyAndMasksCardNumbers() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("my card"));

        assertThat(regulated.editMessage(w.insider, w.id, posted.id(), "my card is 4111 1111 1111 1111").body())
                .isEqualTo("my card is **** 1111");
        assertThatThrownBy(() -> regulated.editMessage(w.insider, w.id, posted.id(), " \u200b "))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("body")).isTrue());
        assertThatThrownBy(() -> regulated.editMessage(w.insider, w.id, posted.id(), null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("body")).isTrue());
        assertThat(exportText(w.id)).doesNotContain("4111 1111 1111 1111");
    }

    // =====================================================================================
    // Redactions
    // =====================================================================================

    @Test
    void inRegulatedModeParticipantsSeeATombstoneAndTheRecordKeepsEveryText() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("original text"));
        regulated.editMessage(w.insider, w.id, posted.id(), "edited text");

        ParticipantMessage tombstone = regulated.redactMessage(w.insider, w.id, posted.id(), "sent by mistake");

        assertThat(tombstone.isRedacted()).isTrue();
        assertThat(tombstone.body()).isEmpty();
        for (Actor reader : List.of(w.insider, admin)) {
            assertThat(last(regulated.listMessages(reader, w.id, PageRequest.first(100)).nodes()))
                    .satisfies(m -> {
                        assertThat(m.body()).isEmpty();
                        assertThat(m.message().redactedAt()).isEqualTo(clock.instant());
                    });
        }
        assertThat(regulated.messageHistory(admin, w.id, posted.id()))
                .extracting(MessageVersion::body).containsExactly("original text", "edited text");
        assertThat(regulated.messageHistory(admin, w.id, posted.id())).noneMatch(MessageVersion::current);
        assertThat(exportText(w.id)).contains("original text", "edited text", "sent by mistake");
        assertThat(events).filteredOn(e -> e instanceof ChatEvent.MessageRedacted).hasSize(1);
        assertThat(regulated.verifyAudit(admin, w.id).valid()).isTrue();
    }

    @Test
    void outsideRegulatedModeARedactionErasesTheTextAndItsVersions() {
        World w = new World(standard);
        ParticipantMessage posted = standard.postMessage(w.insider, w.id, NewMessage.of("erase me please"));
        standard.editMessage(w.insider, w.id, posted.id(), "and this edit too");

        standard.redactMessage(w.insider, w.id, posted.id(), "privacy");

        assertThat(standard.messageHistory(admin, w.id, posted.id())).isEmpty();
        assertThat(exportText(standard, w.id)).doesNotContain("erase me please").doesNotContain("and this edit too");
        assertThat(last(standard.listMessages(w.insider, w.id, PageRequest.first(100)).nodes()).body()).isEmpty();
    }

    @Test
    void staffRedactOthersMessagesOnlyWithTheDeletionPermissionAndBusinessUsersOnlyTheirOwn() {
        World w = new World(regulated);
        ParticipantMessage insiders = regulated.postMessage(w.insider, w.id, NewMessage.of("the insider's"));
        ParticipantMessage staffs = regulated.postMessage(admin, w.id, NewMessage.of("the staff's"));
        Actor writer = Actor.service(uid("writer"), ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
        Actor deleter = Actor.service(uid("deleter"), ChatPermissions.CONVERSATION_DELETION_EXECUTOR);

        assertThatThrownBy(() -> regulated.redactMessage(writer, w.id, insiders.id(), "no"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> regulated.redactMessage(w.insider, w.id, staffs.id(), "no"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> regulated.redactMessage(Actor.service(uid("nobody")), w.id, insiders.id(), "no"))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(regulated.redactMessage(deleter, w.id, insiders.id(), "abusive").isRedacted()).isTrue();
        assertThatThrownBy(() -> regulated.redactMessage(deleter, w.id, staffs.id(), " "))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("reason")).isTrue());
        assertThat(regulated.listMessages(admin, w.id, PageRequest.first(100)).nodes())
                .filteredOn(ParticipantMessage::isRedacted).extracting(ParticipantMessage::id)
                .containsExactly(insiders.id());
    }

    @Test
    void aMessageIsOnlyReachedThroughItsOwnConversation() {
        World a = new World(regulated);
        World b = new World(regulated);
        ParticipantMessage inA = regulated.postMessage(a.insider, a.id, NewMessage.of("in a"));
        World third = new World(regulated);

        assertThatThrownBy(() -> regulated.editMessage(a.insider, b.id, inA.id(), "moved"))
                .isInstanceOf(dev.txchat.core.NotFoundException.class);
        assertThatThrownBy(() -> regulated.redactMessage(admin, b.id, inA.id(), "wrong place"))
                .isInstanceOf(dev.txchat.core.NotFoundException.class);
        assertThatThrownBy(() -> regulated.messageHistory(admin, third.id, inA.id()))
                .isInstanceOf(dev.txchat.core.NotFoundException.class);
        assertThat(regulated.messageHistory(admin, a.id, inA.id())).singleElement()
                .satisfies(v -> assertThat(v.body()).isEqualTo("in a"));
    }

    @Test
    void badArgumentsAreValidationErrorsNamingTheFieldAndWriteNothing() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("hello"));
        List<String> before = auditActions(w.id);

        assertThatThrownBy(() -> regulated.editMessage(w.insider, w.id, null, "x"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("messageId")).isTrue());
        assertThatThrownBy(() -> regulated.redactMessage(w.insider, w.id, posted.id(), "x".repeat(1001)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("reason")).isTrue());
        assertThatThrownBy(() -> regulated.redactMessage(w.insider, w.id, posted.id(), "line\u202Ebreak"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("reason")).isTrue());
        assertThatThrownBy(() -> regulated.placeLegalHold(admin, w.id, "\u200B"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("reason")).isTrue());
        assertThatThrownBy(() -> regulated.restrictProcessing(admin, " "))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("userId")).isTrue());
        assertThatThrownBy(() -> regulated.exportConversation(admin, w.id, null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.hasErrorOn("out")).isTrue());
        assertThatThrownBy(() -> regulated.releaseLegalHold(admin, w.id, "no hold"))
                .isInstanceOf(ConflictException.class);

        assertThat(auditActions(w.id)).isEqualTo(before);
        // a reason holding a card number is kept masked
        regulated.redactMessage(w.insider, w.id, posted.id(), "contained 4111 1111 1111 1111");
        assertThat(exportText(w.id)).doesNotContain("4111 1111 1111 1111").contains("contained **** 1111");
    }

    @Test
    void historyIsForAuditingStaffOnly() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("hello"));
        assertThatThrownBy(() -> regulated.messageHistory(w.insider, w.id, posted.id()))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> regulated.messageHistory(
                Actor.service(uid("viewer"), ChatPermissions.CONVERSATION_VIEWER), w.id, posted.id()))
                .isInstanceOf(AccessDeniedException.class);
    }

    // =====================================================================================
    // The audit chain
    // =====================================================================================

    @Test
    void everyMutationIsAnEntryAndTheChainVerifies() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("hello"));
        regulated.markRead(admin, w.id, ParticipantType.BUSINESS);
        regulated.editMessage(w.insider, w.id, posted.id(), "hello again");
        regulated.redactMessage(w.insider, w.id, posted.id(), "typo");
        var added = regulated.addParticipant(admin, w.id, ParticipantRef.serviceUser(uid("colleague")));
        regulated.removeParticipant(admin, w.id, added.id());
        regulated.placeLegalHold(admin, w.id, "matter 42");
        regulated.releaseLegalHold(admin, w.id, "matter 42 closed");
        regulated.deleteConversation(admin, w.id);

        assertThat(auditActions(w.id)).containsExactly("CONVERSATION_STARTED", "MESSAGE_POSTED", "MESSAGE_POSTED",
                "MESSAGES_READ", "MESSAGE_EDITED", "MESSAGE_REDACTED", "PARTICIPANT_ADDED", "PARTICIPANT_REMOVED",
                "LEGAL_HOLD_PLACED", "LEGAL_HOLD_RELEASED", "CONVERSATION_DELETED");
        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).as("%s", verification).isTrue();
        assertThat(verification.entriesChecked()).isEqualTo(11);
        assertThat(verification.messagesChecked()).isEqualTo(2);
    }

    @Test
    void outsideRegulatedModeNothingIsAudited() {
        World w = new World(standard);
        standard.postMessage(w.insider, w.id, NewMessage.of("hello"));
        assertThat(auditActions(standard, w.id)).isEmpty();
        assertThatThrownBy(() -> standard.verifyAudit(admin, w.id)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> standard.placeLegalHold(admin, w.id, "x")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> standard.purgeExpired(admin)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> standard.restrictProcessing(admin, "u")).isInstanceOf(ConflictException.class);
    }

    @Test
    void aMessageBodyChangedBehindTheLibrarysBackIsCaughtAtTheEntryThatRecordedIt() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("pay 100 EUR"));
        regulated.postMessage(admin, w.id, NewMessage.of("ok"));

        tamperMessageBody(w.id, posted.id(), "pay 900 EUR");

        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).isFalse();
        assertThat(verification.firstBadSequence()).isEqualTo(3L); // started, first message, this post
        assertThat(verification.problem()).contains(posted.id().toString());
    }

    @Test
    void aSupersededVersionChangedBehindTheLibrarysBackIsCaught() {
        World w = new World(regulated);
        ParticipantMessage posted = regulated.postMessage(w.insider, w.id, NewMessage.of("pay 100 EUR"));
        regulated.editMessage(w.insider, w.id, posted.id(), "pay 200 EUR");

        tamperMessageVersion(w.id, posted.id(), 1, "pay 300 EUR");

        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).isFalse();
        assertThat(verification.firstBadSequence()).isEqualTo(3L);
    }

    @Test
    void anAuditEntryChangedBehindTheLibrarysBackIsNamed() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("one"));
        regulated.postMessage(w.insider, w.id, NewMessage.of("two"));
        String entry = auditEntries(w.id).get(2);

        tamperAuditEntry(w.id, 3, entry.replace("\"sequence\":3", "\"sequence\":3 "));

        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).isFalse();
        assertThat(verification.firstBadSequence()).isEqualTo(3L);
        assertThat(verification.problem()).contains("entry 3");
    }

    @Test
    void aDeletedAuditEntryIsNamed() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("one"));
        regulated.markRead(admin, w.id, ParticipantType.BUSINESS);
        regulated.postMessage(w.insider, w.id, NewMessage.of("two"));

        deleteAuditEntry(w.id, 4);

        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).isFalse();
        assertThat(verification.firstBadSequence()).isEqualTo(4L);
        assertThat(verification.problem()).contains("missing");
    }

    @Test
    void theFirstEntryDeletedIsCaughtToo() {
        World w = new World(regulated);
        deleteAuditEntry(w.id, 1);
        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).isFalse();
        assertThat(verification.firstBadSequence()).isEqualTo(2L);
    }

    // =====================================================================================
    // Retention, holds and purges
    // =====================================================================================

    @Test
    void minimumRetentionBeatsDelete() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("keep me"));
        regulated.deleteConversation(admin, w.id);
        clock.advance(MINIMUM_RETENTION);

        PurgeResult purge = purgeAll();

        assertThat(purge.messagesPurged()).isZero();
        assertThat(regulated.listMessages(admin, w.id, PageRequest.first(100)).nodes())
                .extracting(ParticipantMessage::body).contains("keep me");
        assertThat(exportText(w.id)).contains("keep me");
        assertThat(regulated.verifyAudit(admin, w.id).valid()).isTrue();
    }

    @Test
    void aPurgeRemovesWhatIsPastTheMaximumRetentionAndLeavesTheChainVerifiable() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("old words"));
        clock.advance(MAXIMUM_RETENTION.plusDays(1));
        regulated.postMessage(w.insider, w.id, NewMessage.of("new words"));

        PurgeResult purge = purgeAll();

        assertThat(purge.messagesPurged()).isGreaterThanOrEqualTo(2); // the first message and "old words"
        assertThat(regulated.listMessages(admin, w.id, PageRequest.first(100)).nodes())
                .extracting(ParticipantMessage::body).containsExactly("new words");
        assertThat(auditActions(w.id)).containsExactly("MESSAGE_POSTED", "PURGE_CHECKPOINT");
        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).as("%s", verification).isTrue();
        assertThat(exportText(w.id)).doesNotContain("old words");
    }

    @Test
    void legalHoldBeatsPurgeUntilReleased() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("evidence"));
        regulated.placeLegalHold(admin, w.id, "subpoena 7");
        assertThatThrownBy(() -> regulated.placeLegalHold(admin, w.id, "again"))
                .isInstanceOf(ConflictException.class);
        clock.advance(MAXIMUM_RETENTION.multipliedBy(2));

        purgeAll();
        assertThat(exportText(w.id)).contains("evidence", "subpoena 7");

        regulated.releaseLegalHold(admin, w.id, "case closed");
        clock.advance(MAXIMUM_RETENTION.plusDays(1));
        purgeAll();
        assertThat(exportText(w.id)).doesNotContain("evidence");
        assertThat(regulated.verifyAudit(admin, w.id).valid()).isTrue();
    }

    @Test
    void aPurgeWorksInBatchesAndEachBatchLeavesAVerifiableChain() {
        World w = new World(regulated);
        int messages = 2_345;
        for (int i = 0; i < messages; i++) {
            regulated.postMessage(w.insider, w.id, NewMessage.of("message " + i));
        }
        clock.advance(MAXIMUM_RETENTION.plusDays(1));
        regulated.postMessage(w.insider, w.id, NewMessage.of("survivor"));

        PurgeResult purge = purgeAll();

        assertThat(purge.messagesPurged()).isEqualTo(messages + 1); // with the first message
        assertThat(purge.auditEntriesPurged()).isEqualTo(messages + 2); // with the start
        assertThat(auditActions(w.id)).startsWith("MESSAGE_POSTED").contains("PURGE_CHECKPOINT");
        // one checkpoint per bounded unit of work: never one transaction for everything
        assertThat(auditActions(w.id)).filteredOn("PURGE_CHECKPOINT"::equals).hasSizeGreaterThanOrEqualTo(3);
        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).as("%s", verification).isTrue();
        assertThat(verification.messagesChecked()).isEqualTo(1);
    }

    @Test
    void aHoldPlacedWhileAPurgeListsItsCandidatesWinsOverThePurge() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("evidence"));
        clock.advance(MAXIMUM_RETENTION.plusDays(1));
        java.util.concurrent.FutureTask<Void> hold = new java.util.concurrent.FutureTask<>(
                () -> regulated.placeLegalHold(admin, w.id, "subpoena arrived"), null);
        // the purge has listed the conversation as a candidate; the hold commits before it is locked
        intercepting.afterListingPurgeCandidates(() -> startAndLetRun(hold));

        purgeAll();
        awaitDone(hold);

        assertThat(exportText(w.id)).contains("evidence", "subpoena arrived");
        assertThat(auditActions(w.id)).doesNotContain("PURGE_CHECKPOINT");
        assertThat(regulated.verifyAudit(admin, w.id).valid()).isTrue();
    }

    @Test
    void concurrentWritersKeepOneChainWithoutGapsOrForks() {
        World w = new World(regulated);
        int threads = 8;
        int postsEach = 10;
        List<Actor> writers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            writers.add(i % 2 == 0 ? w.insider : Actor.service(uid("staff"),
                    ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR));
        }
        Concurrently.run(threads, index -> {
            Actor writer = writers.get(index);
            for (int i = 0; i < postsEach; i++) {
                ParticipantMessage posted = regulated.postMessage(writer, w.id, NewMessage.of(index + "/" + i));
                if (i % 3 == 0) {
                    regulated.editMessage(writer, w.id, posted.id(), index + "/" + i + " edited");
                }
                if (i % 4 == 0) {
                    regulated.markRead(writer, w.id,
                            writer.isService() ? ParticipantType.BUSINESS : ParticipantType.SERVICE);
                }
            }
            return null;
        });

        AuditVerification verification = regulated.verifyAudit(admin, w.id);
        assertThat(verification.valid()).as("%s", verification).isTrue();
        List<String> actions = auditActions(w.id);
        assertThat(actions).filteredOn("MESSAGE_POSTED"::equals).hasSize(threads * postsEach + 1);
        assertThat(actions).filteredOn("MESSAGE_EDITED"::equals).hasSize(threads * 4);
        // the staff writers joined on their first post: one entry each
        assertThat(actions).filteredOn("PARTICIPANT_ADDED"::equals).hasSize(threads / 2);
        assertThat(verification.entriesChecked()).isEqualTo(actions.size());
    }

    // =====================================================================================
    // Restriction of processing
    // =====================================================================================

    @Test
    void aRestrictedUsersMessagesAreWithheldFromNormalReadsButNotFromTheRecord() {
        World w = new World(regulated);
        regulated.postMessage(w.insider, w.id, NewMessage.of("personal story"));
        regulated.postMessage(admin, w.id, NewMessage.of("staff answer"));

        regulated.restrictProcessing(admin, w.insider.userId());
        regulated.restrictProcessing(admin, w.insider.userId());

        List<ParticipantMessage> seen = regulated.listMessages(admin, w.id, PageRequest.first(100)).nodes();
        assertThat(seen).extracting(ParticipantMessage::body).doesNotContain("personal story").contains("staff answer");
        assertThat(seen).filteredOn(m -> w.insider.userId().equals(m.message().authorUserId())).isEmpty();
        assertThat(regulated.getConversation(admin, w.id).lastMessage().body()).isEqualTo("staff answer");
        assertThat(exportText(w.id)).contains("personal story");
        assertThat(regulated.verifyAudit(admin, w.id).valid()).isTrue();
        // the standard service does not know about restrictions: only regulated mode withholds
        assertThat(regulated.listConversations(admin, ConversationFilter.all().withParticipantId(w.org),
                PageRequest.first(10)).nodes()).isNotEmpty();
    }

    @Test
    void afterTheMaximumRetentionARestrictedUserIsPseudonymised() {
        World w = new World(regulated);
        regulated.restrictProcessing(admin, w.insider.userId());
        clock.advance(MAXIMUM_RETENTION.plusDays(1));
        regulated.postMessage(w.insider, w.id, NewMessage.of("written after the restriction"));

        PurgeResult purge = purgeAll();

        assertThat(purge.usersPseudonymised()).isGreaterThanOrEqualTo(1);
        String export = exportText(w.id);
        assertThat(export).doesNotContain("\"authorUserId\":\"" + w.insider.userId() + "\"")
                .contains("pseudonym-");
    }

    // =====================================================================================
    // Export
    // =====================================================================================

    @Test
    void theExportHoldsTheWholeRecordAndItsVerification() {
        directory.register(w0tx, Map.of("amount", "125.40 EUR"), new WalletOwner(w0user, w0org));
        Actor insider = Actor.business(w0user, w0org);
        Conversation chat = regulated.openTransactionChat(admin, new OpenTransactionChat(w0tx,
                ParticipantRef.businessUser(w0user, w0org), NewMessage.of("about your payment"))).conversation();
        clock.advance(Duration.ofMinutes(1));
        ParticipantMessage reply = regulated.postMessage(insider, chat.id(), NewMessage.of("which one?"));
        clock.advance(Duration.ofMinutes(1));
        regulated.editMessage(insider, chat.id(), reply.id(), "which payment?");
        clock.advance(Duration.ofMinutes(1));
        regulated.markRead(admin, chat.id(), ParticipantType.BUSINESS);
        ParticipantMessage oops = regulated.postMessage(admin, chat.id(), NewMessage.of("wrong chat, sorry"));
        regulated.redactMessage(admin, chat.id(), oops.id(), "wrong recipient");
        regulated.placeLegalHold(admin, chat.id(), "dispute D-1");

        String export = exportText(chat.id());

        assertThat(normalized(export)).isEqualTo(golden("regulated-export.golden.json"));
        assertThat(export).contains("\"valid\":true");
    }

    @Test
    void theExportStreamsInBoundedPages() {
        World w = new World(regulated);
        int messages = 1_234;
        for (int i = 0; i < messages; i++) {
            regulated.postMessage(w.insider, w.id, NewMessage.of("message number " + i));
        }
        List<Integer> pages = new CopyOnWriteArrayList<>();
        long[] writtenWhenReading = {0};
        long[] written = {0};
        java.io.OutputStream out = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                written[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written[0] += len;
            }
        };
        intercepting.onPageRead(rows -> {
            pages.add(rows);
            writtenWhenReading[0] = written[0];
        });
        try {
            regulated.exportConversation(admin, w.id, out);
        } finally {
            intercepting.onPageRead(null);
        }

        assertThat(pages).isNotEmpty().allSatisfy(rows -> assertThat(rows).isLessThanOrEqualTo(500));
        // the last page was read after most of the document had gone out: nothing waited for the whole
        assertThat(writtenWhenReading[0]).isGreaterThan(written[0] / 2);
        assertThat(written[0]).isGreaterThan(messages * 50L);
    }

    private final String w0tx = uid("tx");
    private final String w0user = uid("user");
    private final String w0org = uid("org");

    /**
     * The golden export with every generated id, hash and chain position replaced by a
     * placeholder numbered in order of appearance, so that the same story gives the same
     * text on every store and run.
     */
    protected static String normalized(String export) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher m = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}")
                .matcher(export);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String found = m.group();
            String name = names.computeIfAbsent(found, k -> (k.length() == 64 ? "<hash-" : "<id-") + (names.size() + 1) + ">");
            m.appendReplacement(out, Matcher.quoteReplacement(name));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String golden(String resource) {
        try (var in = RegulatedModeContract.class.getResourceAsStream(resource)) {
            assertThat(in).as("resource %s", resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // =====================================================================================
    // Fixture helpers
    // =====================================================================================

    /** A direct chat a staff user started with one business user, with a first message. */
    protected final class World {
        final String org = uid("org");
        final Actor insider = Actor.business(uid("insider"), org);
        final ConversationId id;

        World(ChatService chat) {
            id = chat.startConversation(admin, new StartConversation(
                    ParticipantRef.businessUser(insider.userId(), org), "a chat", NewMessage.of("welcome"))).id();
        }
    }

    /**
     * Starts {@code task} on another thread and returns when it finished or waits on a lock
     * the calling unit of work holds (a store that serializes units of work runs it after).
     */
    private static void startAndLetRun(java.util.concurrent.FutureTask<Void> task) {
        Thread thread = new Thread(task, "txchat-regulated-interleaved");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        int waitingSeen = 0;
        while (!task.isDone()) {
            Thread.State state = thread.getState();
            waitingSeen = state == Thread.State.WAITING || state == Thread.State.BLOCKED ? waitingSeen + 1 : 0;
            if (waitingSeen >= 200 || System.nanoTime() > deadline) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    private static void awaitDone(java.util.concurrent.FutureTask<Void> task) {
        try {
            task.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the interleaved call failed: " + e, e);
        }
    }

    private static ParticipantMessage last(List<ParticipantMessage> messages) {
        return messages.get(messages.size() - 1);
    }

    /** Purges until nothing is left to purge, adding up the results. */
    protected PurgeResult purgeAll() {
        int conversations = 0;
        long messages = 0;
        long audit = 0;
        int users = 0;
        PurgeResult r;
        do {
            r = regulated.purgeExpired(admin);
            conversations += r.conversations();
            messages += r.messagesPurged();
            audit += r.auditEntriesPurged();
            users += r.usersPseudonymised();
        } while (r.more());
        return new PurgeResult(conversations, messages, audit, users, false);
    }

    protected String exportText(ConversationId id) {
        return exportText(regulated, id);
    }

    protected String exportText(ChatService chat, ConversationId id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chat.exportConversation(admin, id, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static final Pattern ACTION = Pattern.compile("\"action\":\"([A-Z_]+)\"");
    private static final Pattern ENTRY = Pattern.compile("\"entry\":(\"(?:[^\"\\\\]|\\\\.)*\")");

    /** The actions of the conversation's stored audit entries, in chain order, as the export lists them. */
    protected List<String> auditActions(ConversationId id) {
        return auditActions(regulated, id);
    }

    protected List<String> auditActions(ChatService chat, ConversationId id) {
        String export = exportText(chat, id);
        String audit = export.substring(export.indexOf("\"audit\":["), export.indexOf(",\"verification\":"));
        List<String> actions = new ArrayList<>();
        Matcher m = ACTION.matcher(audit);
        while (m.find()) {
            actions.add(m.group(1));
        }
        return actions;
    }

    /** The canonical texts of the stored audit entries, unescaped, in chain order. */
    protected List<String> auditEntries(ConversationId id) {
        String export = exportText(id);
        List<String> entries = new ArrayList<>();
        Matcher m = ENTRY.matcher(export);
        while (m.find()) {
            String quoted = m.group(1);
            entries.add(quoted.substring(1, quoted.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return entries;
    }

    /** A fresh id with a readable prefix. */
    protected static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
