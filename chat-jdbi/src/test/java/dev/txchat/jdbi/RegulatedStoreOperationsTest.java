package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The regulated-mode operations of the JDBI store, called directly through the SPI on every
 * database: what each one stores and reads back, byte for byte and to the microsecond, and
 * the head and hold that the locking read returns. The rules built on them are the testkit's
 * {@code RegulatedModeContract}.
 */
class RegulatedStoreOperationsTest {

    private static final Actor STAFF = Actor.service("reg-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    private record Chat(JdbiChatStore store, ConversationId id, List<Message> messages, String user) {
    }

    /** A conversation with {@code posts} messages written through the standard service. */
    private static Chat chat(Dialect dialect, int posts) {
        return chat(TestDatabases.store(dialect), posts);
    }

    private static Chat chat(JdbiChatStore store, int posts) {
        String user = "reg-user-" + UUID.randomUUID();
        Actor business = Actor.business(user, null);
        try (ChatService chat = ChatService.builder().store(store).transactionDirectory(new FakeTransactionDirectory())
                .build()) {
            Conversation c = chat.startConversation(STAFF, new StartConversation(ParticipantRef.businessUser(user, null),
                    "s", NewMessage.of("first")));
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                messages.add(chat.postMessage(business, c.id(), NewMessage.of("post " + i)).message());
            }
            return new Chat(store, c.id(), messages, user);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theAuditChainIsStoredAsGivenAndItsHeadComesWithTheLock(Dialect dialect) {
        Chat chat = chat(dialect, 2);
        MessageId first = chat.messages().get(0).id();
        Instant at = now();
        String entry = "{\"text\":\"é ü 😀  trailing \"}";
        List<AuditRecord> entries = List.of(
                new AuditRecord(chat.id(), 1, "MESSAGE_POSTED", first, at, entry, ComplianceState.GENESIS_HASH, HASH_A),
                new AuditRecord(chat.id(), 2, "MESSAGES_READ", null, at.plusNanos(1000), "{}", HASH_A, HASH_B));

        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            assertThat(tx.lockConversationWithCompliance(chat.id()).orElseThrow().compliance())
                    .isEqualTo(ComplianceState.NONE);
            tx.appendAudit(entries);
            return null;
        });

        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            StoredConversation locked = tx.lockConversationWithCompliance(chat.id()).orElseThrow();
            assertThat(locked.compliance()).isEqualTo(new ComplianceState(2, HASH_B, null));
            assertThat(locked.conversation().participants()).isNotEmpty();
            assertThat(tx.complianceState(chat.id())).isEqualTo(new ComplianceState(2, HASH_B, null));
            assertThat(tx.readAudit(chat.id(), 0, 10)).containsExactlyElementsOf(entries);
            assertThat(tx.readAudit(chat.id(), 1, 10)).containsExactly(entries.get(1));
            assertThat(tx.readAudit(chat.id(), 0, 1)).containsExactly(entries.get(0));
            assertThat(tx.auditOfMessages(chat.id(), List.of(first, MessageId.random())))
                    .containsExactly(entries.get(0));
            return null;
        });
        // a sequence taken twice fails, and the unit of work with it
        assertThatThrownBy(() -> chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            tx.appendAudit(List.of(new AuditRecord(chat.id(), 2, "MESSAGES_READ", null, at, "{}", HASH_A, HASH_A)));
            return null;
        })).isInstanceOf(RuntimeException.class);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.complianceState(chat.id())))
                .isEqualTo(new ComplianceState(2, HASH_B, null));
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.complianceState(ConversationId.random())))
                .isEqualTo(ComplianceState.NONE);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void editsKeepEveryVersionAndRedactionsLeaveATombstone(Dialect dialect) {
        Chat chat = chat(dialect, 3);
        Message posted = chat.messages().get(0);
        Message erased = chat.messages().get(1);
        Instant edit1 = now().plusSeconds(1);
        Instant edit2 = edit1.plusSeconds(1);
        Instant redacted = edit2.plusSeconds(1);

        Message edited = chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            tx.editMessage(chat.id(), posted.id(), "second", edit1).orElseThrow();
            return tx.editMessage(chat.id(), posted.id(), "third", edit2).orElseThrow();
        });
        assertThat(edited.body()).isEqualTo("third");
        assertThat(edited.editedAt()).isEqualTo(edit2);
        assertThat(edited.sequence()).isEqualTo(posted.sequence());
        assertThat(edited.redactedAt()).isNull();

        Message tombstone = chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            tx.editMessage(chat.id(), erased.id(), "erased edit", edit1);
            tx.redactMessage(chat.id(), erased.id(), redacted, false);
            return tx.redactMessage(chat.id(), posted.id(), redacted, true).orElseThrow();
        });
        assertThat(tombstone.body()).isEmpty();
        assertThat(tombstone.redactedAt()).isEqualTo(redacted);
        assertThat(tombstone.editedAt()).isEqualTo(edit2);

        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            assertThat(tx.messageVersions(chat.id(), List.of(erased.id(), posted.id()))).containsExactly(
                    new MessageVersion(posted.id(), 1, posted.body(), posted.createdAt(), edit1, false),
                    new MessageVersion(posted.id(), 2, "second", edit1, edit2, false),
                    new MessageVersion(posted.id(), 3, "third", edit2, redacted, false));
            // erased: the edit's superseded version went with the redaction
            Message erasedNow = tx.findMessage(chat.id(), erased.id()).orElseThrow();
            assertThat(erasedNow.body()).isEmpty();
            assertThat(erasedNow.isRedacted()).isTrue();
            // every read of messages carries the state
            assertThat(tx.listMessages(chat.id(), null, true, 10)).filteredOn(m -> m.id().equals(posted.id()))
                    .singleElement().satisfies(m -> {
                        assertThat(m.redactedAt()).isEqualTo(redacted);
                        assertThat(m.editedAt()).isEqualTo(edit2);
                    });
            assertThat(tx.findMessage(chat.id(), MessageId.random())).isEmpty();
            assertThat(tx.findMessage(ConversationId.random(), posted.id())).isEmpty();
            assertThat(tx.editMessage(ConversationId.random(), posted.id(), "x", edit2)).isEmpty();
            assertThat(tx.redactMessage(chat.id(), MessageId.random(), edit2, true)).isEmpty();
            return null;
        });
        // the last message of the conversation read carries them too
        Message last = chat.messages().get(2);
        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            return tx.redactMessage(chat.id(), last.id(), redacted, true);
        });
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.findConversation(chat.id())).orElseThrow().lastMessage()
                .redactedAt()).isEqualTo(redacted);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aHoldIsPlacedOnceReleasedOnceAndKeepsAConversationOutOfThePurge(Dialect dialect) {
        Chat held = chat(dialect, 0);
        Chat free = chat(dialect, 0);
        LegalHold hold = new LegalHold("matter 42 ✓", now(), "legal-" + UUID.randomUUID());
        Instant future = Instant.now().plusSeconds(3600);

        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(held.id());
            return tx.placeLegalHold(held.id(), hold);
        })).isTrue();
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.placeLegalHold(held.id(), hold))).isFalse();
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.lockConversationWithCompliance(held.id())).orElseThrow()
                .compliance().legalHold()).isEqualTo(hold);

        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.purgeCandidates(future, justBefore(free.id()), 7)))
                .startsWith(free.id()).extracting(ConversationId::toString).isSorted();
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.purgeCandidates(future, justBefore(held.id()), 7)))
                .doesNotContain(held.id()).extracting(ConversationId::toString).isSorted();
        // created after the epoch: not a candidate of a purge before it (other tests' rows may be)
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.purgeCandidates(Instant.EPOCH,
                justBefore(free.id()), 1))).doesNotContain(free.id());

        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.releaseLegalHold(held.id()))).contains(hold);
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.releaseLegalHold(held.id()))).isEmpty();
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.complianceState(held.id())).legalHold()).isNull();
        assertThat(held.store().inTransaction((ChatStoreTransaction tx) -> tx.purgeCandidates(future, justBefore(held.id()), 1)))
                .containsExactly(held.id());
    }

    /** The id right below {@code id} in the store's (bytewise) order: a keyset that starts the page at it. */
    private static ConversationId justBefore(ConversationId id) {
        UUID uuid = UUID.fromString(id.toString());
        return ConversationId.parse(new UUID(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits() - 1)
                .toString());
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aPurgeRemovesTheOldestMessagesWithTheirVersionsAndLowersTheUnreadCounters(Dialect dialect) {
        Chat chat = chat(dialect, 4);
        Instant later = Instant.now().plusSeconds(3600);
        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            return tx.editMessage(chat.id(), chat.messages().get(0).id(), "edited", now());
        });
        StoredConversation before = chat.store().inTransaction((ChatStoreTransaction tx) -> tx.findConversation(chat.id())).orElseThrow();

        PurgedMessages purged = chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            return tx.purgeMessages(chat.id(), later, 3);
        });

        // the service's first message and the first two business posts
        assertThat(purged).isEqualTo(new PurgedMessages(3, 3));
        StoredConversation after = chat.store().inTransaction((ChatStoreTransaction tx) -> tx.findConversation(chat.id())).orElseThrow();
        assertThat(after.messageCount()).isEqualTo(before.messageCount());
        assertThat(after.unreadFromBusiness()).isEqualTo(before.unreadFromBusiness() - 2);
        assertThat(after.unreadFromService()).isEqualTo(before.unreadFromService() - 1);
        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            assertThat(tx.listMessages(chat.id(), null, true, 10)).extracting(Message::sequence)
                    .containsExactly(4L, 5L);
            assertThat(tx.messageVersions(chat.id(), List.of(chat.messages().get(0).id()))).isEmpty();
            assertThat(tx.purgeMessages(chat.id(), Instant.EPOCH, 10)).isEqualTo(PurgedMessages.NONE);
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aPurgeOfTheAuditChainRemovesItsPrefixOnly(Dialect dialect) {
        Chat chat = chat(dialect, 0);
        Instant at = now();
        chat.store().inTransaction((ChatStoreTransaction tx) -> {
            tx.lockConversationWithCompliance(chat.id());
            List<AuditRecord> entries = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                entries.add(new AuditRecord(chat.id(), i, "X", null, at, "{}", HASH_A, HASH_B));
            }
            tx.appendAudit(entries);
            return null;
        });
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.purgeAudit(chat.id(), 3))).isEqualTo(3);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.readAudit(chat.id(), 0, 10))).extracting(AuditRecord::sequence)
                .containsExactly(4L, 5L);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.complianceState(chat.id())).auditSequence()).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRestrictedUserIsPseudonymisedInBatchesAndStaysKnown(Dialect dialect) {
        Chat chat = chat(dialect, 3);
        String user = chat.user();
        String other = "Other-" + user;
        Instant since = now();
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictProcessing(user, since))).isTrue();
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictProcessing(user, since.plusSeconds(1)))).isFalse();
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictedAmong(List.of(user, other, user.toUpperCase()))))
                .isEqualTo(Set.of(user));
        Instant later = since.plusSeconds(10);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictionsToPseudonymise(later, null, 1000)))
                .contains(new ProcessingRestriction(user, since, null));
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictionsToPseudonymise(since, null, 1000)))
                .extracting(ProcessingRestriction::userId).doesNotContain(user);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictionsToPseudonymise(later, user, 1000)))
                .extracting(ProcessingRestriction::userId).doesNotContain(user);

        String pseudonym = "pseudonym-" + UUID.randomUUID();
        // three messages and one participant: batches of two
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.pseudonymise(user, pseudonym, 2, later))).isEqualTo(2);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.pseudonymise(user, pseudonym, 2, later))).isEqualTo(2);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictionsToPseudonymise(later, null, 1000)))
                .extracting(ProcessingRestriction::userId).contains(user);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.pseudonymise(user, pseudonym, 2, later))).isZero();
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictionsToPseudonymise(later, null, 1000)))
                .extracting(ProcessingRestriction::userId).doesNotContain(user);

        Optional<StoredConversation> after = chat.store().inTransaction((ChatStoreTransaction tx) -> tx.findConversation(chat.id()));
        assertThat(after.orElseThrow().conversation().participants())
                .filteredOn(p -> p.type() == ParticipantType.BUSINESS)
                .extracting(dev.txchat.core.Participant::userId).containsExactly(pseudonym);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.listMessages(chat.id(), null, true, 10)))
                .filteredOn(m -> m.sentByType() == ParticipantType.BUSINESS)
                .extracting(Message::authorUserId).containsOnly(pseudonym);
        assertThat(chat.store().inTransaction((ChatStoreTransaction tx) -> tx.restrictedAmong(List.of(user)))).containsExactly(user);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void pseudonymisingAParticipantMovesTheMaintainedCountsWithTheName(Dialect dialect) {
        JdbiChatStore store = TestDatabases.freshStore(dialect, "pseudo_");
        try {
            Chat chat = chat(store, 1);
            Chat other = chat(store, 0);
            String pseudonym = "pseudonym-" + UUID.randomUUID();
            store.inTransaction((ChatStoreTransaction tx) -> tx.restrictProcessing(chat.user(), now()));

            assertThat(store.inTransaction((ChatStoreTransaction tx) -> tx.pseudonymise(chat.user(), pseudonym, 100,
                    now()))).isEqualTo(2);

            assertThat(CountsCheck.mismatches(store)).isEmpty();
            assertThat(store.inTransaction((ChatStoreTransaction tx) -> tx.countConversations(
                    new dev.txchat.core.spi.ConversationQuery(dev.txchat.core.ConversationFilter.all(),
                            new dev.txchat.core.spi.MemberScope(pseudonym, null))))).isEqualTo(1);
            assertThat(store.inTransaction((ChatStoreTransaction tx) -> tx.countConversations(
                    new dev.txchat.core.spi.ConversationQuery(dev.txchat.core.ConversationFilter.all(),
                            new dev.txchat.core.spi.MemberScope(chat.user(), null))))).isZero();
            assertThat(store.inTransaction((ChatStoreTransaction tx) -> tx.countConversations(
                    new dev.txchat.core.spi.ConversationQuery(dev.txchat.core.ConversationFilter.all(),
                            new dev.txchat.core.spi.MemberScope(other.user(), null))))).isEqualTo(1);
        } finally {
            TestDatabases.dropTables(store.jdbi(), "pseudo_");
        }
    }
}
