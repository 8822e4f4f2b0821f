package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load-robust cross-check of the postMessage ratios: the sides of a case run in short
 * alternating rounds in one JVM on one pool, and each ratio is the median of the per-round
 * ratios. Whatever else loads the machine (other processes on the 2 cores, other clients of
 * the same database) then weighs on all sides alike, which separate JMH forks minutes apart
 * cannot guarantee. Not a JMH measurement: no fork isolation, so it complements, not
 * replaces, the JMH numbers.
 */
final class PairedRun {
    static final int ROUNDS = 8;
    static final long ROUND_MILLIS = 250;
    static final int WARMUP_ROUNDS = 2;

    /**
     * One case: how many threads, whether they share one conversation, the sides (the first is
     * compared with each of the others) and the databases it runs on.
     */
    record Case(String name, int threads, boolean hot, List<Side> sides, Set<BenchDatabase> dbs) {
    }

    private static final Set<BenchDatabase> ALL = Set.of(BenchDatabase.values());
    private static final List<Side> POST = List.of(Side.TXCHAT, Side.RAW, Side.MINIMAL);

    static final Case SINGLE = new Case("1 thread", 1, false, POST, ALL);
    static final Case ACROSS8 = new Case("8 threads, own conversations", 8, false, POST, ALL);
    static final Case HOT8 = new Case("8 threads, one hot conversation", 8, true, POST, ALL);
    static final Case ACROSS32 = new Case("32 threads, own conversations", 32, false,
            List.of(Side.TXCHAT, Side.RAW), Set.of(BenchDatabase.POSTGRESQL));
    static final Case LISTENER = new Case("1 thread, one no-op listener vs none", 1, false,
            List.of(Side.LISTENED, Side.TXCHAT), Set.of(BenchDatabase.H2));
    static final Case REGULATED = new Case("1 thread, regulated mode vs off", 1, false,
            List.of(Side.REGULATED, Side.TXCHAT), ALL);
    static final List<Case> CASES = List.of(SINGLE, ACROSS8, HOT8, ACROSS32, LISTENER, REGULATED);

    /**
     * For each side after the first: the median over rounds of the first side's operations
     * divided by its own, after {@link #WARMUP_ROUNDS} discarded rounds.
     */
    static Map<Side, Double> ratios(Env env, Case c) throws InterruptedException, SQLException {
        int n = c.sides().size();
        Poster[][] posters = new Poster[n][c.threads()];
        for (int s = 0; s < n; s++) {
            Poster shared = c.hot() ? c.sides().get(s).create(env, "bench-bu-paired") : null;
            for (int t = 0; t < c.threads(); t++) {
                posters[s][t] = c.hot() ? shared : c.sides().get(s).create(env, "bench-bu-paired");
            }
        }
        List<List<Double>> perRound = new ArrayList<>();
        for (int s = 1; s < n; s++) {
            perRound.add(new ArrayList<>());
        }
        for (int round = 0; round < ROUNDS + WARMUP_ROUNDS; round++) {
            // rotate which side goes first so that none always follows another
            long[] ops = new long[n];
            for (int k = 0; k < n; k++) {
                int s = (round + k) % n;
                ops[s] = opsIn(posters[s]);
            }
            for (int s = 1; s < n && round >= WARMUP_ROUNDS; s++) {
                if (ops[s] > 0) {
                    perRound.get(s - 1).add((double) ops[0] / ops[s]);
                }
            }
        }
        Map<Side, Double> result = new EnumMap<>(Side.class);
        for (int s = 1; s < n; s++) {
            result.put(c.sides().get(s), median(perRound.get(s - 1)));
        }
        return result;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN
                : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static long opsIn(Poster[] posters) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(posters.length);
        for (Poster poster : posters) {
            Thread worker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        poster.post();
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    finished.countDown();
                }
            });
            worker.start();
        }
        Thread.sleep(ROUND_MILLIS); // the measured interval itself, not a wait for a result
        stop.set(true);
        finished.await();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " operations failed in a paired round");
        }
        return done.get();
    }

    private PairedRun() {
    }
}
