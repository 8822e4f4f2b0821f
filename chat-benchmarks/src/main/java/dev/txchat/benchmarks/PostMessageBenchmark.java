package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
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
 * participant, beside two raw-JDBC appends: {@code baseline*} into the library's full schema
 * ({@link RawJdbc}) and {@code minimal*} into minimal tables of its own ({@link RawMinimal}).
 * 1 thread; 8 threads each in its own conversation; 8 threads into one hot conversation;
 * 32 threads each in its own (run on PostgreSQL only); and txchat with one no-op listener
 * registered, 1 thread (run on H2 only). The runner picks which run where.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PostMessageBenchmark {

    /** One conversation per benchmark thread for each side. */
    @State(Scope.Thread)
    public static class Own {
        private final Map<Side, Poster> posters = new EnumMap<>(Side.class);

        @Setup(Level.Trial)
        public void create(DbState s) throws SQLException {
            for (Side side : Side.values()) {
                posters.put(side, side.create(s.env, "bench-bu-post"));
            }
        }

        Object post(Side side) throws Exception {
            return posters.get(side).post();
        }
    }

    /** One conversation per side that all threads write into. */
    @State(Scope.Benchmark)
    public static class Hot extends Own {
    }

    @Benchmark
    @Threads(1)
    public Object txchatSingle(Own o) throws Exception {
        return o.post(Side.TXCHAT);
    }

    @Benchmark
    @Threads(1)
    public Object baselineSingle(Own o) throws Exception {
        return o.post(Side.RAW);
    }

    @Benchmark
    @Threads(1)
    public Object minimalSingle(Own o) throws Exception {
        return o.post(Side.MINIMAL);
    }

    @Benchmark
    @Threads(1)
    public Object listenerSingle(Own o) throws Exception {
        return o.post(Side.LISTENED);
    }

    @Benchmark
    @Threads(8)
    public Object txchatAcross8(Own o) throws Exception {
        return o.post(Side.TXCHAT);
    }

    @Benchmark
    @Threads(8)
    public Object baselineAcross8(Own o) throws Exception {
        return o.post(Side.RAW);
    }

    @Benchmark
    @Threads(8)
    public Object minimalAcross8(Own o) throws Exception {
        return o.post(Side.MINIMAL);
    }

    @Benchmark
    @Threads(8)
    public Object txchatHot8(Hot h) throws Exception {
        return h.post(Side.TXCHAT);
    }

    @Benchmark
    @Threads(8)
    public Object baselineHot8(Hot h) throws Exception {
        return h.post(Side.RAW);
    }

    @Benchmark
    @Threads(8)
    public Object minimalHot8(Hot h) throws Exception {
        return h.post(Side.MINIMAL);
    }

    @Benchmark
    @Threads(32)
    public Object txchatAcross32(Own o) throws Exception {
        return o.post(Side.TXCHAT);
    }

    @Benchmark
    @Threads(32)
    public Object baselineAcross32(Own o) throws Exception {
        return o.post(Side.RAW);
    }
}
