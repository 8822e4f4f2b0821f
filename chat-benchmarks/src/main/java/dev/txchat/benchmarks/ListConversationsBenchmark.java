package dev.txchat.benchmarks;

import dev.txchat.core.Actor;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationView;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantType;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code listConversations}, 50 per page, over the 100,000 loaded conversations: the first
 * page and a page deep in the list (after the cursor of the 100th-oldest conversation, taken
 * from a real {@code last(100)} page), for
 * <ul>
 *   <li>staff, every open conversation (100,000);</li>
 *   <li>staff filtering by a business organization (10,000 match);</li>
 *   <li>one business user (a participant of 10,000).</li>
 * </ul>
 * beside the raw-JDBC page (count, keyset page joined to the last message, participants of
 * the page in one query) for the staff list and the business user.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ListConversationsBenchmark {
    static final int PAGE = 50;
    static final Actor BUSINESS = Actor.business("bench-bu-1", "bench-org-1");
    static final ConversationFilter BY_ORGANIZATION = ConversationFilter.all().withParticipantId("bench-org-2")
            .withParticipantType(ParticipantType.BUSINESS);
    static final RawJdbc.Scope BUSINESS_SCOPE = new RawJdbc.Scope(BUSINESS.userId(), BUSINESS.organizationId());

    /** Deep positions: txchat cursors and the same positions as baseline keyset bounds. */
    @State(Scope.Benchmark)
    public static class Deep {
        String staffCursor;
        String filteredCursor;
        String businessCursor;
        RawJdbc.Bound staffBound;
        RawJdbc.Bound businessBound;

        @Setup(Level.Trial)
        public void find(DbState s) throws SQLException {
            Env env = s.env;
            staffCursor = tailCursor(env.chat.listConversations(env.staff, ConversationFilter.all(),
                    PageRequest.last(100)));
            filteredCursor = tailCursor(env.chat.listConversations(env.staff, BY_ORGANIZATION,
                    PageRequest.last(100)));
            businessCursor = tailCursor(env.chat.listConversations(BUSINESS, ConversationFilter.all(),
                    PageRequest.last(100)));
            staffBound = env.raw.boundFromEnd(RawJdbc.Scope.STAFF, 99);
            businessBound = env.raw.boundFromEnd(BUSINESS_SCOPE, 99);
        }

        private static String tailCursor(Page<ConversationView> tail) {
            if (tail.totalCount() < 200) {
                throw new IllegalStateException("list too short for a deep page: " + tail.totalCount());
            }
            return tail.pageInfo().startCursor();
        }
    }

    @Benchmark
    public Page<ConversationView> txchatStaffFirst(DbState s) {
        return s.env.chat.listConversations(s.env.staff, ConversationFilter.all(), PageRequest.first(PAGE));
    }

    @Benchmark
    public Page<ConversationView> txchatStaffDeep(DbState s, Deep d) {
        return s.env.chat.listConversations(s.env.staff, ConversationFilter.all(), PageRequest.first(PAGE, d.staffCursor));
    }

    @Benchmark
    public Page<ConversationView> txchatStaffFilterFirst(DbState s) {
        return s.env.chat.listConversations(s.env.staff, BY_ORGANIZATION, PageRequest.first(PAGE));
    }

    @Benchmark
    public Page<ConversationView> txchatStaffFilterDeep(DbState s, Deep d) {
        return s.env.chat.listConversations(s.env.staff, BY_ORGANIZATION, PageRequest.first(PAGE, d.filteredCursor));
    }

    @Benchmark
    public Page<ConversationView> txchatBusinessFirst(DbState s) {
        return s.env.chat.listConversations(BUSINESS, ConversationFilter.all(), PageRequest.first(PAGE));
    }

    @Benchmark
    public Page<ConversationView> txchatBusinessDeep(DbState s, Deep d) {
        return s.env.chat.listConversations(BUSINESS, ConversationFilter.all(), PageRequest.first(PAGE, d.businessCursor));
    }

    @Benchmark
    public List<ConversationView> baselineStaffFirst(DbState s) throws SQLException {
        return s.env.raw.listConversations(RawJdbc.Scope.STAFF, null, PAGE + 1);
    }

    @Benchmark
    public List<ConversationView> baselineStaffDeep(DbState s, Deep d) throws SQLException {
        return s.env.raw.listConversations(RawJdbc.Scope.STAFF, d.staffBound, PAGE + 1);
    }

    @Benchmark
    public List<ConversationView> baselineBusinessFirst(DbState s) throws SQLException {
        return s.env.raw.listConversations(BUSINESS_SCOPE, null, PAGE + 1);
    }

    @Benchmark
    public List<ConversationView> baselineBusinessDeep(DbState s, Deep d) throws SQLException {
        return s.env.raw.listConversations(BUSINESS_SCOPE, d.businessBound, PAGE + 1);
    }
}
