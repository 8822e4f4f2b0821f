package dev.txchat.jdbi.internal;

import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which maintained conversation counts a conversation belongs to, and which of them answer a
 * {@link ConversationQuery}: pure Java, no database. {@link ConversationCounts} keeps one
 * counter per {@link Key} (striped over slots) and changes it by the difference of a
 * conversation's keys before and after each change.
 *
 * <p>Only OPEN conversations are counted. A conversation's keys, each once with kind
 * {@code ""} (any) and once with its own kind:
 * <ul>
 *   <li>{@code A}: every conversation;</li>
 *   <li>{@code P(type, v)}: it has an active participant of that type ({@code ""}: any) whose
 *       user id or organization id is {@code v} ({@code ""}: any; not both {@code ""}), the
 *       staff filters {@code participantId} / {@code participantType};</li>
 *   <li>{@code U(u, o)}: it has an active BUSINESS participant with user {@code u} and
 *       organization {@code o} ({@code ""}: none) and, when {@code o} is set, no active
 *       BUSINESS account participant (no user) of {@code o};</li>
 *   <li>{@code O(o)}: it has an active BUSINESS account participant of {@code o}.</li>
 * </ul>
 * A business user's {@link MemberScope} {@code (u, o)} counts {@code U(u, o) + O(o)}: the two
 * are disjoint and their union is what {@link MemberScope#admits} admits; without an
 * organization it counts {@code U(u, "")}.
 *
 * <p>Not counted (the store counts rows instead): {@code includeDeleted},
 * {@code transactionId} (an indexed count over one transaction's few chats), a business
 * user's query that also filters by participant id or type, and any query naming an empty
 * id. Ids are never empty ({@code ""} stands for "none" in keys): values that are empty
 * anyway make no key, and queries for them are not counted.
 */
public final class CountScopes {
    /** Every conversation. */
    public static final String ALL = "A";
    /** A participant filter: type and/or user-or-organization id. */
    public static final String PARTICIPANT = "P";
    /** A business user's own participation, in conversations without its organization's account. */
    public static final String MEMBER_USER = "U";
    /** A business organization's account participation. */
    public static final String MEMBER_ACCOUNT = "O";

    private CountScopes() {
    }

    /**
     * One counter's scope; {@code ""} for a part that is absent (never null).
     *
     * @param scope           {@link #ALL}, {@link #PARTICIPANT}, {@link #MEMBER_USER} or {@link #MEMBER_ACCOUNT}
     * @param kind            a {@link ConversationKind} name, or {@code ""} for any
     * @param participantType a {@link ParticipantType} name, or {@code ""}
     * @param party           the participant id filtered by, or the member user, or {@code ""}
     * @param organization    the member's organization, or {@code ""}
     */
    public record Key(String scope, String kind, String participantType, String party, String organization)
            implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparing(Key::scope).thenComparing(Key::kind)
                .thenComparing(Key::participantType).thenComparing(Key::party).thenComparing(Key::organization);

        /** A fixed order, so that every transaction locks the counters it changes in the same order. */
        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    /** An active participant as the counts see it. */
    public record Member(ParticipantType type, String userId, String organizationId) {
    }

    /** The keys of a conversation with these active participants; none unless it is OPEN. */
    public static Set<Key> keysOf(ConversationKind kind, ConversationStatus status, Collection<Member> active) {
        Set<Key> keys = new HashSet<>();
        if (status != ConversationStatus.OPEN) {
            return keys;
        }
        Set<String> accounts = new HashSet<>();
        for (Member m : active) {
            if (m.type() == ParticipantType.BUSINESS && m.userId() == null && present(m.organizationId())) {
                accounts.add(m.organizationId());
            }
        }
        for (String k : List.of("", kind.name())) {
            keys.add(new Key(ALL, k, "", "", ""));
            for (Member m : active) {
                String type = m.type().name();
                keys.add(new Key(PARTICIPANT, k, type, "", ""));
                for (String v : new String[] {m.userId(), m.organizationId()}) {
                    if (present(v)) {
                        keys.add(new Key(PARTICIPANT, k, "", v, ""));
                        keys.add(new Key(PARTICIPANT, k, type, v, ""));
                    }
                }
                if (m.type() != ParticipantType.BUSINESS) {
                    continue;
                }
                if (present(m.userId()) && m.organizationId() == null) {
                    keys.add(new Key(MEMBER_USER, k, "", m.userId(), ""));
                } else if (present(m.userId()) && present(m.organizationId())
                        && !accounts.contains(m.organizationId())) {
                    keys.add(new Key(MEMBER_USER, k, "", m.userId(), m.organizationId()));
                }
            }
            for (String o : accounts) {
                keys.add(new Key(MEMBER_ACCOUNT, k, "", "", o));
            }
        }
        return keys;
    }

    /**
     * The keys whose counters add up to the number of conversations matching {@code query},
     * or empty if such queries are not counted.
     */
    public static Optional<List<Key>> lookup(ConversationQuery query) {
        ConversationFilter f = query.filter();
        if (f.includeDeleted() || f.transactionId() != null) {
            return Optional.empty();
        }
        String kind = f.kind() == null ? "" : f.kind().name();
        MemberScope member = query.member();
        if (member == null) {
            if (f.participantId() == null && f.participantType() == null) {
                return Optional.of(List.of(new Key(ALL, kind, "", "", "")));
            }
            if (f.participantId() != null && !present(f.participantId())) {
                return Optional.empty();
            }
            return Optional.of(List.of(new Key(PARTICIPANT, kind,
                    f.participantType() == null ? "" : f.participantType().name(),
                    f.participantId() == null ? "" : f.participantId(), "")));
        }
        if (f.participantId() != null || f.participantType() != null || !present(member.userId())) {
            return Optional.empty();
        }
        if (member.organizationId() == null) {
            return Optional.of(List.of(new Key(MEMBER_USER, kind, "", member.userId(), "")));
        }
        if (!present(member.organizationId())) {
            return Optional.empty();
        }
        return Optional.of(List.of(new Key(MEMBER_USER, kind, "", member.userId(), member.organizationId()),
                new Key(MEMBER_ACCOUNT, kind, "", "", member.organizationId())));
    }

    /**
     * What to add to each counter when a conversation's keys change from {@code before} to
     * {@code after}: +1 or -1 per key in one set only, in {@link Key} order.
     */
    public static Map<Key, Integer> difference(Set<Key> before, Set<Key> after) {
        Map<Key, Integer> deltas = new TreeMap<>();
        for (Key k : after) {
            if (!before.contains(k)) {
                deltas.put(k, 1);
            }
        }
        for (Key k : before) {
            if (!after.contains(k)) {
                deltas.put(k, -1);
            }
        }
        return deltas;
    }

    private static boolean present(String id) {
        return id != null && !id.isEmpty();
    }
}
