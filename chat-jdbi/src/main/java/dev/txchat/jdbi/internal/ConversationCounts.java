package dev.txchat.jdbi.internal;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.jdbi.Dialect;
import dev.txchat.jdbi.internal.CountScopes.Key;
import dev.txchat.jdbi.internal.CountScopes.Member;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;

/**
 * Keeps the conversation counts of {@code <prefix>conversation_counts} in step with one unit
 * of work: after it creates or deletes a conversation or adds or removes a participant (while
 * holding the conversation's row lock), the counters of every {@link CountScopes scope} the
 * conversation enters or leaves change by one, in one statement, in the same transaction.
 * Posting messages never touches them.
 *
 * <p>Each scope has {@link CountSql#SLOTS} counters; a change lands in the slot of its
 * conversation, so unrelated conversations rarely wait for each other's counter, and a count
 * is the sum over the slots (a slot alone may be negative). Used by one thread.
 */
final class ConversationCounts {
    /** Attempts of an H2 upsert that lost the race to create a counter; the next one finds it. */
    private static final int H2_ATTEMPTS = 10;

    private final Handle handle;
    private final CountSql sql;

    ConversationCounts(Handle handle, Sql sql) {
        this.handle = handle;
        this.sql = sql.counts();
    }

    /** How many conversations match, from the counters; empty if this query is not counted. */
    OptionalLong count(ConversationQuery query) {
        Optional<List<Key>> keys = CountScopes.lookup(query);
        if (keys.isEmpty()) {
            return OptionalLong.empty();
        }
        BoundSql count = sql.count(keys.get());
        return OptionalLong.of(Handles.query(handle, count.sql()).bindMap(count.params()).mapTo(Long.class).one());
    }

    /** Counts a conversation just inserted with these participants (all inserted active). */
    void created(Conversation c) {
        List<Member> members = new ArrayList<>();
        c.participants().forEach(p -> members.add(member(p)));
        change(c.id(), Set.of(), CountScopes.keysOf(c.kind(), c.status(), members));
    }

    /** Uncounts a conversation this transaction just changed from OPEN to DELETED. */
    void deleted(ConversationId id) {
        readState(id).ifPresent(s -> change(id, CountScopes.keysOf(s.kind, ConversationStatus.OPEN, s.all()),
                Set.of()));
    }

    /** Recounts a conversation after this transaction inserted the active participant {@code added}. */
    void added(ConversationId id, ParticipantId added) {
        readState(id).ifPresent(s -> change(id, CountScopes.keysOf(s.kind, s.status, s.allBut(added)),
                CountScopes.keysOf(s.kind, s.status, s.all())));
    }

    /** Recounts a conversation after this transaction made {@code removed} leave it. */
    void removed(ConversationId id, Participant removed) {
        readState(id).ifPresent(s -> {
            List<Member> before = new ArrayList<>(s.all());
            before.add(member(removed));
            change(id, CountScopes.keysOf(s.kind, s.status, before), CountScopes.keysOf(s.kind, s.status, s.all()));
        });
    }

    /**
     * The scopes a conversation counts in now; with {@link #recount}, recounts it around a
     * change that is neither an addition nor a removal (a participant's user id pseudonymised).
     */
    Set<Key> scopes(ConversationId id) {
        return readState(id).map(s -> CountScopes.keysOf(s.kind, s.status, s.all())).orElse(Set.of());
    }

    /** Moves a conversation from the scopes it counted in {@code before} to those it counts in now. */
    void recount(ConversationId id, Set<Key> before) {
        change(id, before, scopes(id));
    }

    private void change(ConversationId id, Set<Key> before, Set<Key> after) {
        Map<Key, Integer> deltas = CountScopes.difference(before, after);
        if (deltas.isEmpty()) {
            return;
        }
        BoundSql change = sql.change(CountSql.slot(id.toString()), deltas);
        for (int attempt = 1; ; attempt++) {
            Update update = Handles.update(handle, change.sql()).bindMap(change.params());
            try {
                update.execute();
                return;
            } catch (UnableToExecuteStatementException e) {
                // H2's MERGE fails instead of waiting when another transaction created the same
                // counter after it looked; the failed statement changed nothing and the next finds it
                if (sql.dialect() != Dialect.H2 || attempt >= H2_ATTEMPTS
                        || !(e.getCause() instanceof SQLException se) || !"23505".equals(se.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    private Optional<State> readState(ConversationId id) {
        List<Row> rows = Handles.query(handle, sql.selectState).bind("id", id.toString())
                .map((rs, ctx) -> {
                    String participantId = rs.getString("p_id");
                    return new Row(ConversationKind.valueOf(rs.getString("kind")),
                            ConversationStatus.valueOf(rs.getString("status")), participantId,
                            participantId == null ? null : new Member(
                                    ParticipantType.valueOf(rs.getString("participant_type")),
                                    rs.getString("user_id"), rs.getString("organization_id")));
                })
                .list();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new State(rows.get(0).kind, rows.get(0).status,
                rows.stream().filter(r -> r.participantId != null).toList()));
    }

    private static Member member(Participant p) {
        return new Member(p.type(), p.userId(), p.organizationId());
    }

    private record Row(ConversationKind kind, ConversationStatus status, String participantId, Member member) {
    }

    /** A conversation's kind, status and active participants, as this transaction reads them. */
    private record State(ConversationKind kind, ConversationStatus status, List<Row> active) {
        List<Member> all() {
            return active.stream().map(Row::member).toList();
        }

        List<Member> allBut(ParticipantId id) {
            return active.stream().filter(r -> !r.participantId.equals(id.toString())).map(Row::member).toList();
        }
    }
}
