package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * postMessage on H2, 1 thread, with one no-op listener vs without, the sides alternating every
 * {@code perBlock} posts so that load from other processes weighs on both alike. Prints the
 * median over block pairs of time(without) / time(with) (the typical throughput ratio), the
 * same ratio over the totals (which counts the stalls), and, on Linux, how often the calling
 * thread gave its CPU up per post on each side (voluntary context switches: a caller that
 * parks waiting for the delivery thread switches once per call) and the process's CPU time
 * per post on each side (all threads: the database, the delivery thread, any spinning).
 *
 * <p>Run after the suite loaded the H2 data sets (any size), e.g.
 * {@code java -Dtxchat.bench.dbs=h2 -cp chat-benchmarks/target/benchmarks.jar
 * dev.txchat.benchmarks.ListenerInterleaved 400 20}.
 */
public final class ListenerInterleaved {
    private ListenerInterleaved() {
    }

    /** The calling thread's voluntary context switches so far, or -1 where /proc has none. */
    private static long voluntarySwitches() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public static void main(String[] a) throws Exception {
        int blocks = Integer.parseInt(a[0]);
        int perBlock = Integer.parseInt(a[1]);
        try (Env env = Env.open(BenchDatabase.H2)) {
            Poster with = Side.LISTENED.create(env, "bench-bu-paired");
            Poster without = Side.TXCHAT.create(env, "bench-bu-paired");
            for (int i = 0; i < 2000; i++) { // JIT warm-up
                with.post();
                without.post();
            }
            List<Double> ratios = new ArrayList<>();
            long sumWith = 0;
            long sumWithout = 0;
            long switchesWith = 0;
            long switchesWithout = 0;
            long cpuWith = 0;
            long cpuWithout = 0;
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int b = 0; b < blocks; b++) {
                boolean withFirst = (b & 1) == 0;
                long tw = 0;
                long to = 0;
                for (int k = 0; k < 2; k++) {
                    boolean useWith = (k == 0) == withFirst;
                    Poster p = useWith ? with : without;
                    long s0 = voluntarySwitches();
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perBlock; i++) {
                        p.post();
                    }
                    long t = System.nanoTime() - t0;
                    long switches = voluntarySwitches() - s0;
                    long cpu = os.getProcessCpuTime() - c0;
                    if (useWith) {
                        tw = t;
                        switchesWith += switches;
                        cpuWith += cpu;
                    } else {
                        to = t;
                        switchesWithout += switches;
                        cpuWithout += cpu;
                    }
                }
                sumWith += tw;
                sumWithout += to;
                ratios.add((double) to / tw);
            }
            long posts = (long) blocks * perBlock;
            System.out.printf("with / without: median of block pairs %.3f, totals %.3f; µs per post %.1f / %.1f;"
                            + " caller's voluntary context switches per post %.2f / %.2f;"
                            + " process CPU µs per post %.1f / %.1f%n",
                    PairedRun.median(ratios), (double) sumWithout / sumWith, sumWith / 1000.0 / posts,
                    sumWithout / 1000.0 / posts, (double) switchesWith / posts, (double) switchesWithout / posts,
                    cpuWith / 1000.0 / posts, cpuWithout / 1000.0 / posts);
        }
    }
}
