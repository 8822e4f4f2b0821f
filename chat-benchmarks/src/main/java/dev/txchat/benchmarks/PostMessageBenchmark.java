package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@code postMessage} into an existing conversation, as a staff user who is already a
 * participant, beside two raw-JDBC appends: {@code baseline*} into the library's full schema
 * ({@link RawJdbc}) and {@code minimal*} into minimal tables of its own ({@link RawMinimal}).
 * 1 thread; 8 threads each in its own conversation; 8 threads into one hot conversation;
 * 32 threads each in its own (run on PostgreSQL only); and txchat with one no-op listener
 * registered, 1 thread (run on H2 only); and txchat in regulated mode, 1 thread. The runner
 * picks which run where.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PostMessageBenchmark {

    /** One conversation per benchmark thread, of the side the benchmark method's name starts with. */
    @State(Scope.Thread)
    public static class Own {
        private Poster poster;

        @Setup(Level.Trial)
        public void create(DbState s, BenchmarkParams params) throws SQLException {
            poster = side(params.getBenchmark()).create(s.env, "bench-bu-post");
        }

        Object post() throws Exception {
            return poster.post();
        }
    }

    /** One conversation that all threads write into. */
    @State(Scope.Benchmark)
    public static class Hot extends Own {
    }

    /** The side a benchmark method posts as: txchat…, baseline… (raw a), minimal… (raw b), listener…. */
    static Side side(String benchmark) {
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        for (String[] prefix : new String[][] {{"txchat", "TXCHAT"}, {"baseline", "RAW"}, {"minimal", "MINIMAL"},
                {"listener", "LISTENED"}, {"regulated", "REGULATED"}}) {
            if (method.startsWith(prefix[0])) {
                return Side.valueOf(prefix[1]);
            }
        }
        throw new IllegalArgumentException("no side for " + benchmark);
    }

    @Benchmark
    @Threads(1)
    public Object txchatSingle(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(1)
    public Object baselineSingle(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(1)
    public Object minimalSingle(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(1)
    public Object listenerSingle(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(1)
    public Object regulatedSingle(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(8)
    public Object txchatAcross8(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(8)
    public Object baselineAcross8(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(8)
    public Object minimalAcross8(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(8)
    public Object txchatHot8(Hot h) throws Exception {
        return h.post();
    }

    @Benchmark
    @Threads(8)
    public Object baselineHot8(Hot h) throws Exception {
        return h.post();
    }

    @Benchmark
    @Threads(8)
    public Object minimalHot8(Hot h) throws Exception {
        return h.post();
    }

    @Benchmark
    @Threads(32)
    public Object txchatAcross32(Own o) throws Exception {
        return o.post();
    }

    @Benchmark
    @Threads(32)
    public Object baselineAcross32(Own o) throws Exception {
        return o.post();
    }
}
