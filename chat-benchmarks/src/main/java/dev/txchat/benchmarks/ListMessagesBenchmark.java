package dev.txchat.benchmarks;

import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
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
 * A page of 50 messages of the conversation holding a million, at depth 0 (the oldest 50)
 * and at depth ~1,000,000 (after a cursor taken from the real tail page), beside the raw
 * keyset query. Keyset pagination must make both depths cost the same.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ListMessagesBenchmark {
    static final int PAGE = 50;

    /** Where the deep page starts, as a txchat cursor and as a sequence for the baseline. */
    @State(Scope.Benchmark)
    public static class Deep {
        String cursor;
        long afterSequence;

        @Setup(Level.Trial)
        public void find(DbState s) {
            Page<ParticipantMessage> tail = s.env.chat.listMessages(s.env.staff, BenchData.DEEP_CONVERSATION,
                    PageRequest.last(100));
            cursor = tail.pageInfo().startCursor();
            afterSequence = tail.nodes().get(0).sequence();
            if (afterSequence < BenchData.deepMessages() - 100) {
                throw new IllegalStateException("deep page starts at " + afterSequence);
            }
        }
    }

    @Benchmark
    public Page<ParticipantMessage> txchatDepth0(DbState s) {
        return s.env.chat.listMessages(s.env.staff, BenchData.DEEP_CONVERSATION, PageRequest.first(PAGE));
    }

    @Benchmark
    public Page<ParticipantMessage> txchatDepth1M(DbState s, Deep d) {
        return s.env.chat.listMessages(s.env.staff, BenchData.DEEP_CONVERSATION, PageRequest.first(PAGE, d.cursor));
    }

    @Benchmark
    public List<ParticipantMessage> baselineDepth0(DbState s) throws SQLException {
        return s.env.raw.listMessages(BenchData.DEEP_CONVERSATION.toString(), 0, PAGE + 1);
    }

    @Benchmark
    public List<ParticipantMessage> baselineDepth1M(DbState s, Deep d) throws SQLException {
        return s.env.raw.listMessages(BenchData.DEEP_CONVERSATION.toString(), d.afterSequence, PAGE + 1);
    }
}
