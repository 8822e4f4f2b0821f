package dev.txchat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.AuditVerification;
import dev.txchat.core.ConversationId;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ComplianceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The audit chain against generated histories (posts, edits, redactions, reads, with any
 * Unicode text) and generated tampering: an intact history always verifies, and every single
 * change behind the library's back is caught at the entry that recorded what was changed.
 */
class AuditVerifierPropertiesTest {

    /** One step of a generated history: 0 post, 1 edit, 2 redact, 3 read; {@code target} picks a message. */
    record Step(int kind, int target, String text) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 1000), Arbitraries.strings().ofMinLength(1).ofMaxLength(40))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    /** A conversation's stored state after a history: entries, messages, superseded versions. */
    private static final class History {
        final ConversationId id = ConversationId.random();
        final ParticipantId sender = ParticipantId.random();
        final Actor actor = Actor.business("user", "org");
        final List<AuditRecord> entries = new ArrayList<>();
        final List<Message> messages = new ArrayList<>();
        final List<List<MessageVersion>> versions = new ArrayList<>();
        ComplianceState head = ComplianceState.NONE;
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        History(List<Step> steps) {
            record(AuditChain.CONVERSATION_STARTED, null, null, null, Map.of());
            for (Step step : steps) {
                now = now.plusSeconds(1);
                int kind = messages.isEmpty() ? 0 : step.kind();
                int index = messages.isEmpty() ? 0 : step.target() % messages.size();
                switch (kind) {
                    case 0 -> {
                        Message m = new Message(MessageId.random(), id, messages.size() + 1, sender,
                                ParticipantType.BUSINESS, "user", step.text(), now, null, null);
                        messages.add(m);
                        versions.add(new ArrayList<>());
                        record(AuditChain.MESSAGE_POSTED, m.id(), 1, step.text(), Map.of());
                    }
                    case 1, 2 -> {
                        Message m = messages.get(index);
                        if (m.isRedacted()) {
                            continue;
                        }
                        List<MessageVersion> kept = versions.get(index);
                        kept.add(new MessageVersion(m.id(), kept.size() + 1, m.body(),
                                m.editedAt() != null ? m.editedAt() : m.createdAt(), now, false));
                        if (kind == 1) {
                            messages.set(index, new Message(m.id(), id, m.sequence(), sender, m.sentByType(), "user",
                                    step.text(), m.createdAt(), m.readAt(), null, now, null));
                            record(AuditChain.MESSAGE_EDITED, m.id(), kept.size() + 1, step.text(), Map.of());
                        } else {
                            messages.set(index, new Message(m.id(), id, m.sequence(), sender, m.sentByType(), "user",
                                    "", m.createdAt(), m.readAt(), null, m.editedAt(), now));
                            record(AuditChain.MESSAGE_REDACTED, m.id(), null, null,
                                    Map.of("reason", "r", "supersededVersion", (long) kept.size()));
                        }
                    }
                    default -> record(AuditChain.MESSAGES_READ, null, null, null, Map.of("sentBy", "BUSINESS"));
                }
            }
        }

        private void record(String action, MessageId message, Integer version, String body, Map<String, Object> details) {
            AuditRecord r = AuditChain.next(head, id, action, now, actor, message, version,
                    body == null ? null : AuditChain.sha256(body), details);
            entries.add(r);
            head = new ComplianceState(r.sequence(), r.hash(), null);
        }

        AuditVerification verify() {
            AuditVerifier verifier = new AuditVerifier(id);
            verifier.chainStartsWith(entries.isEmpty() ? null : entries.get(0));
            entries.forEach(verifier::entry);
            verifier.chainEnd();
            List<MessageVersion> all = new ArrayList<>();
            versions.forEach(all::addAll);
            verifier.messages(messages, entries.stream().filter(e -> e.messageId() != null).toList(), all);
            return verifier.result();
        }

        /** The sequence of the entry that recorded version {@code number} of message {@code index}. */
        long entryOf(int index, int number) {
            MessageId message = messages.get(index).id();
            return entries.stream()
                    .filter(e -> message.equals(e.messageId()) && !e.action().equals(AuditChain.MESSAGE_REDACTED))
                    .skip(number - 1).findFirst().orElseThrow().sequence();
        }
    }

    @Property(tries = 300)
    void anIntactHistoryVerifies(@ForAll("histories") List<Step> steps) {
        History h = new History(steps);
        AuditVerification v = h.verify();
        assertThat(v.valid()).as("%s", v).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(h.entries.size());
        assertThat(v.messagesChecked()).isEqualTo(h.messages.size());
    }

    @Property(tries = 300)
    void aChangedEntryIsNamed(@ForAll("histories") List<Step> steps, @ForAll int pick, @ForAll char inserted) {
        History h = new History(steps);
        int k = Math.floorMod(pick, h.entries.size());
        AuditRecord r = h.entries.get(k);
        int at = Math.floorMod(pick, r.entry().length() + 1);
        String changed = r.entry().substring(0, at) + inserted + r.entry().substring(at);
        h.entries.set(k, new AuditRecord(r.conversationId(), r.sequence(), r.action(), r.messageId(), r.at(), changed,
                r.previousHash(), r.hash()));

        AuditVerification v = h.verify();

        assertThat(v.valid()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(r.sequence());
    }

    @Property(tries = 300)
    void aDeletedEntryIsNamed(@ForAll("histories") List<Step> steps, @ForAll int pick) {
        History h = new History(steps);
        if (h.entries.size() < 3) {
            return;
        }
        // not the newest: truncating the tail is what an external anchor of the head catches
        int k = Math.floorMod(pick, h.entries.size() - 1);
        AuditRecord removed = h.entries.remove(k);

        AuditVerification v = h.verify();

        assertThat(v.valid()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(removed.sequence() == 1 ? 2L : removed.sequence());
    }

    @Property(tries = 300)
    void aChangedTextIsCaughtAtTheEntryThatRecordedIt(@ForAll("histories") List<Step> steps, @ForAll int pick,
                                                      @ForAll boolean version) {
        History h = new History(steps);
        int index = Math.floorMod(pick, h.messages.size());
        Message m = h.messages.get(index);
        List<MessageVersion> kept = h.versions.get(index);
        long expected;
        if (version && !kept.isEmpty()) {
            int n = Math.floorMod(pick, kept.size());
            MessageVersion v = kept.get(n);
            kept.set(n, new MessageVersion(v.messageId(), v.number(), v.body() + "!", v.writtenAt(), v.supersededAt(),
                    false));
            expected = h.entryOf(index, v.number());
        } else {
            h.messages.set(index, new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(), m.sentByType(),
                    m.authorUserId(), m.body() + "!", m.createdAt(), m.readAt(), null, m.editedAt(), m.redactedAt()));
            expected = m.isRedacted()
                    ? h.entries.stream().filter(e -> m.id().equals(e.messageId())
                            && e.action().equals(AuditChain.MESSAGE_REDACTED)).findFirst().orElseThrow().sequence()
                    : h.entryOf(index, kept.size() + 1);
        }

        AuditVerification v = h.verify();

        assertThat(v.valid()).isFalse();
        assertThat(v.firstBadSequence()).isEqualTo(expected);
    }
}
