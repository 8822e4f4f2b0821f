package dev.txchat.benchmarks;

import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantMessage;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code postMessage} into an existing conversation, as a staff user who is already a
 * participant, beside the minimal raw-JDBC append (lock-and-increment the conversation row
 * for the gapless sequence while bumping the counters, insert the message, commit).
 * Single thread; 8 threads each in its own conversation; 8 threads into one hot one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PostMessageBenchmark {

    /** One conversation per benchmark thread for txchat, one for the baseline. */
    @State(Scope.Thread)
    public static class Own {
        Conversation txchat;
        Conversation baseline;
        String baselineSender;

        @Setup(Level.Trial)
        public void create(DbState s) {
            txchat = s.env.newConversation("bench-bu-post");
            baseline = s.env.newConversation("bench-bu-post");
            baselineSender = s.env.staffParticipant(baseline);
        }
    }

    /** One conversation all threads write into, for txchat and for the baseline. */
    @State(Scope.Benchmark)
    public static class Hot {
        Conversation txchat;
        Conversation baseline;
        String baselineSender;

        @Setup(Level.Trial)
        public void create(DbState s) {
            txchat = s.env.newConversation("bench-bu-hot");
            baseline = s.env.newConversation("bench-bu-hot");
            baselineSender = s.env.staffParticipant(baseline);
        }
    }

    @Benchmark
    @Threads(1)
    public ParticipantMessage txchatSingle(DbState s, Own o) {
        return s.env.chat.postMessage(s.env.staff, o.txchat.id(), NewMessage.of(Env.BODY));
    }

    @Benchmark
    @Threads(1)
    public long baselineSingle(DbState s, Own o) throws SQLException {
        return s.env.raw.postMessage(o.baseline.id().toString(), o.baselineSender, BenchData.STAFF_USER, Env.BODY);
    }

    @Benchmark
    @Threads(8)
    public ParticipantMessage txchatAcross8(DbState s, Own o) {
        return s.env.chat.postMessage(s.env.staff, o.txchat.id(), NewMessage.of(Env.BODY));
    }

    @Benchmark
    @Threads(8)
    public long baselineAcross8(DbState s, Own o) throws SQLException {
        return s.env.raw.postMessage(o.baseline.id().toString(), o.baselineSender, BenchData.STAFF_USER, Env.BODY);
    }

    @Benchmark
    @Threads(8)
    public ParticipantMessage txchatHot8(DbState s, Hot h) {
        return s.env.chat.postMessage(s.env.staff, h.txchat.id(), NewMessage.of(Env.BODY));
    }

    @Benchmark
    @Threads(8)
    public long baselineHot8(DbState s, Hot h) throws SQLException {
        return s.env.raw.postMessage(h.baseline.id().toString(), h.baselineSender, BenchData.STAFF_USER, Env.BODY);
    }
}
