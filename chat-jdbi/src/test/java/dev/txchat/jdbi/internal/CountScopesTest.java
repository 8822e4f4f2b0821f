package dev.txchat.jdbi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.jdbi.internal.CountScopes.Key;
import dev.txchat.jdbi.internal.CountScopes.Member;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import org.junit.jupiter.api.Test;

/**
 * {@link CountScopes} against brute force: for every query it counts, the counters it reads
 * add up, for any conversation, to exactly 1 if {@link ConversationQuery#matches} admits the
 * conversation and 0 otherwise; and counters changed only by {@link CountScopes#difference}
 * along any history equal the brute-force count at the end. Ids come from a small pool in
 * which a user id can also be an organization id, and the empty id appears too.
 */
@PropertyDefaults(tries = 500)
class CountScopesTest {

    private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");
    private static final List<String> IDS = List.of("u1", "u2", "o1", "o2", "x", "");

    @Provide
    Arbitrary<String> id() {
        return Arbitraries.of(IDS);
    }

    @Provide
    Arbitrary<String> idOrNull() {
        return Arbitraries.of(IDS).injectNull(0.3);
    }

    @Provide
    Arbitrary<Participant> participant() {
        return Combinators.combine(Arbitraries.of(ParticipantType.class), idOrNull(), idOrNull(),
                        Arbitraries.integers().between(0, 3))
                .as((type, user, org, left) -> new Participant(ParticipantId.random(), type, user, org, T,
                        left == 0 ? T.plusSeconds(1) : null));
    }

    @Provide
    Arbitrary<StoredConversation> conversation() {
        return Combinators.combine(Arbitraries.of(ConversationKind.class),
                        Arbitraries.of(ConversationStatus.OPEN, ConversationStatus.OPEN, ConversationStatus.DELETED),
                        participant().list().ofMaxSize(5))
                .as(CountScopesTest::stored);
    }

    @Provide
    Arbitrary<ConversationQuery> query() {
        Arbitrary<ConversationFilter> filter = Combinators.combine(idOrNull(),
                        Arbitraries.of(ParticipantType.class).injectNull(0.5),
                        Arbitraries.of("t1").injectNull(0.9), Arbitraries.of(ConversationKind.class).injectNull(0.4),
                        Arbitraries.of(false, false, false, true))
                .as(ConversationFilter::new);
        Arbitrary<MemberScope> member = Combinators.combine(id(), idOrNull()).as(MemberScope::new).injectNull(0.5);
        return Combinators.combine(filter, member).as(ConversationQuery::new);
    }

    private static StoredConversation stored(ConversationKind kind, ConversationStatus status,
                                             List<Participant> participants) {
        return new StoredConversation(new Conversation(ConversationId.random(), kind, null, null, null, null, status, T,
                participants), 0, 0, 0, T, null);
    }

    private static Set<Key> keysOf(StoredConversation c) {
        List<Member> active = c.conversation().activeParticipants().stream()
                .map(p -> new Member(p.type(), p.userId(), p.organizationId())).toList();
        return CountScopes.keysOf(c.conversation().kind(), c.conversation().status(), active);
    }

    @Property
    void aCountedQueryReadsExactlyOneKeyOfEachMatchingConversationAndNoneOfTheOthers(
            @ForAll("query") ConversationQuery query, @ForAll("conversation") StoredConversation conversation) {
        Optional<List<Key>> lookup = CountScopes.lookup(query);
        if (lookup.isEmpty()) {
            return;
        }
        Set<Key> keys = keysOf(conversation);
        long read = lookup.get().stream().filter(keys::contains).count();

        assertThat(lookup.get()).doesNotHaveDuplicates();
        assertThat(read).as("%s on %s", query, conversation.conversation())
                .isEqualTo(query.matches(conversation) ? 1 : 0);
    }

    @Property(tries = 200)
    void countersChangedByTheDifferencesAlongAnyHistoryEqualTheBruteForceCount(
            @ForAll("conversation") StoredConversation first,
            @ForAll("history") List<Tuple3<Integer, Integer, Participant>> steps) {
        List<StoredConversation> conversations = new ArrayList<>(List.of(first));
        Map<Key, Long> counters = new HashMap<>();
        apply(counters, Set.of(), keysOf(first));
        for (Tuple3<Integer, Integer, Participant> step : steps) {
            int op = step.get1();
            StoredConversation target = conversations.get(step.get2() % conversations.size());
            Conversation c = target.conversation();
            StoredConversation next;
            if (op == 0) {
                next = stored(ConversationKind.values()[step.get2() % 3], ConversationStatus.OPEN,
                        List.of(step.get3()));
                conversations.add(next);
                apply(counters, Set.of(), keysOf(next));
                continue;
            }
            List<Participant> participants = new ArrayList<>(c.participants());
            ConversationStatus status = c.status();
            if (op == 1) {
                status = ConversationStatus.DELETED;
            } else if (op == 2) {
                Participant p = step.get3();
                participants.add(new Participant(p.id(), p.type(), p.userId(), p.organizationId(), T, null));
            } else if (!participants.isEmpty()) {
                int i = step.get2() % participants.size();
                Participant p = participants.get(i);
                participants.set(i, new Participant(p.id(), p.type(), p.userId(), p.organizationId(), T, T));
            }
            next = new StoredConversation(new Conversation(c.id(), c.kind(), null, null, null, null, status, T,
                    participants), 0, 0, 0, T, null);
            conversations.set(conversations.indexOf(target), next);
            apply(counters, keysOf(target), keysOf(next));
        }

        for (ConversationQuery query : everyCountedQuery()) {
            long counted = CountScopes.lookup(query).orElseThrow().stream()
                    .mapToLong(k -> counters.getOrDefault(k, 0L)).sum();
            long matching = conversations.stream().filter(query::matches).count();
            assertThat(counted).as("%s", query).isEqualTo(matching);
        }
    }

    @Provide
    Arbitrary<List<Tuple3<Integer, Integer, Participant>>> history() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 50),
                participant()).as(Tuple::of).list().ofMaxSize(30);
    }

    private static void apply(Map<Key, Long> counters, Set<Key> before, Set<Key> after) {
        CountScopes.difference(before, after).forEach((k, d) -> counters.merge(k, (long) d, Long::sum));
    }

    /** Every query of the counted shapes over the id pool (empty ids excepted: those are not counted). */
    private static List<ConversationQuery> everyCountedQuery() {
        List<ConversationQuery> queries = new ArrayList<>();
        List<ConversationKind> kinds = new ArrayList<>(List.of(ConversationKind.values()));
        kinds.add(null);
        List<ParticipantType> types = new ArrayList<>(List.of(ParticipantType.values()));
        types.add(null);
        List<String> ids = new ArrayList<>(IDS.subList(0, IDS.size() - 1));
        ids.add(null);
        for (ConversationKind kind : kinds) {
            for (String id : ids) {
                for (ParticipantType type : types) {
                    queries.add(new ConversationQuery(new ConversationFilter(id, type, null, kind, false), null));
                }
                if (id != null) {
                    for (String org : ids) {
                        queries.add(new ConversationQuery(new ConversationFilter(null, null, null, kind, false),
                                new MemberScope(id, org)));
                    }
                }
            }
        }
        return queries;
    }

    @Test
    void theTargetShapesAreCountedAndTheRestFallsBack() {
        ConversationFilter all = ConversationFilter.all();
        for (ConversationQuery counted : everyCountedQuery()) {
            assertThat(CountScopes.lookup(counted)).as("%s", counted).isPresent();
        }
        assertThat(CountScopes.lookup(new ConversationQuery(all.includingDeleted(), null))).isEmpty();
        assertThat(CountScopes.lookup(new ConversationQuery(all.withTransactionId("t"), null))).isEmpty();
        assertThat(CountScopes.lookup(new ConversationQuery(all.withParticipantId("o1"), new MemberScope("u", "o"))))
                .isEmpty();
        assertThat(CountScopes.lookup(new ConversationQuery(all.withParticipantType(ParticipantType.SERVICE),
                new MemberScope("u", "o")))).isEmpty();
        assertThat(CountScopes.lookup(new ConversationQuery(all.withParticipantId(""), null))).isEmpty();
        assertThat(CountScopes.lookup(new ConversationQuery(all, new MemberScope("", "o")))).isEmpty();
        assertThat(CountScopes.lookup(new ConversationQuery(all, new MemberScope("u", "")))).isEmpty();
    }

    @Test
    void aDeletedConversationHasNoKeysAndTheDifferenceIsOrdered() {
        List<Member> members = List.of(new Member(ParticipantType.BUSINESS, "u", "o"),
                new Member(ParticipantType.SERVICE, "s", null));
        Set<Key> open = CountScopes.keysOf(ConversationKind.DIRECT, ConversationStatus.OPEN, members);

        assertThat(CountScopes.keysOf(ConversationKind.DIRECT, ConversationStatus.DELETED, members)).isEmpty();
        // A, P(B), P(S), P(u), P(B,u), P(o), P(B,o), P(s), P(S,s), U(u,o): each with kind "" and DIRECT
        assertThat(open).hasSize(20);
        Map<Key, Integer> down = CountScopes.difference(open, Set.of());
        assertThat(down.values()).containsOnly(-1);
        assertThat(new ArrayList<>(down.keySet())).isSorted();
        assertThat(new HashSet<>(down.keySet())).isEqualTo(open);
    }
}
