package dev.txchat.benchmarks;

import dev.txchat.core.ConversationView;
import dev.txchat.core.Page;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The first page of {@code listConversations} (50 per page, {@link ListCase}) on the small data
 * set (1,000 conversations) and on the large one (100,000): staff unfiltered, staff filtered by
 * kind, staff filtered by an organization, a business user's inbox. Beside it, the raw-JDBC
 * page (count, keyset page joined to the last message, participants of the page in one query)
 * for the staff list and the business user. The runner checks, before the trials, that every
 * list reports exactly the {@code totalCount} loaded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ListConversationsBenchmark {

    /** The database on the data set {@code size} names. */
    @State(Scope.Benchmark)
    public static class Lists extends DbState {
        @Param({"small", "large"})
        public String size;

        @Override
        protected DataSet dataSet() {
            return DataSet.of(size);
        }
    }

    @Benchmark
    public Page<ConversationView> txchatStaff(Lists l) {
        return ListCase.STAFF.firstPage(l.env);
    }

    @Benchmark
    public Page<ConversationView> txchatStaffKind(Lists l) {
        return ListCase.STAFF_KIND.firstPage(l.env);
    }

    @Benchmark
    public Page<ConversationView> txchatStaffOrganization(Lists l) {
        return ListCase.STAFF_ORGANIZATION.firstPage(l.env);
    }

    @Benchmark
    public Page<ConversationView> txchatBusiness(Lists l) {
        return ListCase.BUSINESS.firstPage(l.env);
    }

    @Benchmark
    public List<ConversationView> baselineStaff(Lists l) throws SQLException {
        return l.env.raw.listConversations(RawJdbc.Scope.STAFF, ListCase.PAGE + 1);
    }

    @Benchmark
    public List<ConversationView> baselineBusiness(Lists l) throws SQLException {
        return l.env.raw.listConversations(ListCase.BUSINESS_SCOPE, ListCase.PAGE + 1);
    }
}
