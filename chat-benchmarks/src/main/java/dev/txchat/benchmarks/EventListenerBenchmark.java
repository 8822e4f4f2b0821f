package dev.txchat.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.jdbi.ChatDataSources;
import dev.txchat.jdbi.JdbiChatStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What a registered {@code ChatEventListener} costs a call: {@code postMessage} on an H2
 * in-memory database with no listener and with one that does nothing, on 1 thread and on 4
 * (each in its own conversation). With nothing to deliver, the difference is the hand-off
 * of the events to the delivery thread and the wait for it. Not part of the default suite
 * (it needs no data set, and its name matches neither of the suite's patterns); run it alone:
 *
 * <pre>{@code
 * mvn -B -q -pl chat-benchmarks -am -Pbenchmarks package -Dmaven.test.skip=true
 * java -cp chat-benchmarks/target/benchmarks.jar org.openjdk.jmh.Main EventListenerBenchmark \
 *     -f 1 -wi 3 -w 2s -i 5 -r 2s
 * java -cp chat-benchmarks/target/benchmarks.jar dev.txchat.benchmarks.EventListenerBenchmark
 * }</pre>
 *
 * <p>The second command ({@link #main}) is the load-robust cross-check: both services, with
 * and without the listener, run over one database in short alternating rounds in one JVM, so
 * that whatever else loads the machine weighs on both alike; it prints, for each, the median
 * over rounds of ops/s, of the median call duration and of the calling threads' parks per
 * call, and the throughput ratio. Arguments: rounds (default 20) and round length in ms
 * (default 500); 4 warmup rounds come first.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EventListenerBenchmark {

    /** One H2 in-memory database and a service over it, with or without a no-op listener. */
    @State(Scope.Benchmark)
    public static class Service {
        @Param({"0", "1"})
        public int listeners;

        HikariDataSource pool;
        ChatService chat;
        final Actor staff = Actor.service("bench-staff", ChatPermissions.CONVERSATION_VIEWER,
                ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR, ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR);

        @Setup(Level.Trial)
        public void open() {
            pool = ChatDataSources.hikari("jdbc:h2:mem:listeners-" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "", 8);
            JdbiChatStore store = JdbiChatStore.create(pool);
            store.migrate();
            TransactionDirectory none = transactionId -> Optional.empty();
            var builder = ChatService.builder().store(store).transactionDirectory(none);
            for (int i = 0; i < listeners; i++) {
                builder.listener(event -> { });
            }
            chat = builder.build();
        }

        @TearDown(Level.Trial)
        public void close() {
            chat.close();
            pool.close();
        }
    }

    /** A conversation of this benchmark thread's own. */
    @State(Scope.Thread)
    public static class Own {
        ConversationId id;

        @Setup(Level.Trial)
        public void create(Service s) {
            id = s.chat.startConversation(s.staff, new StartConversation(
                    ParticipantRef.businessUser("bench-bu-" + UUID.randomUUID(), "bench-org"), "listeners", null)).id();
        }
    }

    /** Paired rounds: {@code [rounds] [roundMillis]}; see the class comment. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long roundMillis = args.length > 1 ? Long.parseLong(args[1]) : 500;
        int warmup = 4;
        Service without = new Service();
        without.listeners = 0;
        without.open();
        Service with = new Service();
        with.listeners = 1;
        with.open();
        try {
            for (int threads : new int[] {1, 4}) {
                Round[] plain = new Round[rounds];
                Round[] listened = new Round[rounds];
                for (int round = -warmup; round < rounds; round++) {
                    Round a;
                    Round b;
                    if (round % 2 == 0) {
                        a = run(without, threads, roundMillis);
                        b = run(with, threads, roundMillis);
                    } else {
                        b = run(with, threads, roundMillis);
                        a = run(without, threads, roundMillis);
                    }
                    if (round >= 0) {
                        plain[round] = a;
                        listened[round] = b;
                    }
                }
                double p = median(Arrays.stream(plain).mapToDouble(Round::opsPerSecond));
                double l = median(Arrays.stream(listened).mapToDouble(Round::opsPerSecond));
                double pl = median(Arrays.stream(plain).mapToDouble(Round::medianMicros));
                double ll = median(Arrays.stream(listened).mapToDouble(Round::medianMicros));
                double ps = median(Arrays.stream(plain).mapToDouble(Round::parksPerCall));
                double ls = median(Arrays.stream(listened).mapToDouble(Round::parksPerCall));
                System.out.printf("%d thread(s): no listener %.0f ops/s (median call %.0f us, %.2f parks/call),"
                        + " one no-op listener %.0f ops/s (median call %.0f us, %.2f parks/call); throughput ratio %.2f%n",
                        threads, p, pl, ps, l, ll, ls, l / p);
            }
        } finally {
            with.close();
            without.close();
        }
    }

    /**
     * One round of one service: ops/s, the median duration of a call in microseconds, and
     * how often a calling thread gave up the processor per call (its voluntary context
     * switches on Linux, NaN elsewhere), which the machine's load does not change.
     */
    private record Round(double opsPerSecond, double medianMicros, double parksPerCall) {
    }

    /** This thread's voluntary context switches so far, or -1 if unknown. */
    private static long voluntarySwitches() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static Round run(Service s, int threads, long millis) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> durations = new ArrayList<>();
        int[] counts = new int[threads];
        long[] switches = new long[threads];
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Own own = new Own();
            own.create(s);
            long[] mine = new long[1 << 20];
            durations.add(mine);
            int index = i;
            workers.add(new Thread(() -> {
                int n = 0;
                long before = voluntarySwitches();
                while (!stop.get() && n < mine.length) {
                    long start = System.nanoTime();
                    s.chat.postMessage(s.staff, own.id, NewMessage.of(Env.BODY));
                    mine[n++] = System.nanoTime() - start;
                }
                long after = voluntarySwitches();
                counts[index] = n;
                switches[index] = before < 0 || after < 0 ? -1 : after - before;
            }));
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(millis);
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - start;
        long total = 0;
        long parked = 0;
        List<Long> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            total += counts[i];
            parked = parked < 0 || switches[i] < 0 ? -1 : parked + switches[i];
            for (int j = 0; j < counts[i]; j++) {
                all.add(durations.get(i)[j]);
            }
        }
        return new Round(total * 1e9 / elapsed, median(all.stream().mapToDouble(d -> d / 1e3)),
                parked < 0 || total == 0 ? Double.NaN : (double) parked / total);
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    @Benchmark
    @Threads(1)
    public ParticipantMessage post1(Service s, Own o) {
        return s.chat.postMessage(s.staff, o.id, NewMessage.of(Env.BODY));
    }

    @Benchmark
    @Threads(4)
    public ParticipantMessage post4(Service s, Own o) {
        return s.chat.postMessage(s.staff, o.id, NewMessage.of(Env.BODY));
    }
}
