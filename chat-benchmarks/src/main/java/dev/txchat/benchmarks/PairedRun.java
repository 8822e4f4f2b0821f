package dev.txchat.benchmarks;

import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load-robust cross-check of the postMessage ratio: txchat and the baseline run in short
 * alternating rounds in one JVM on one pool, and the ratio is the median of the per-round
 * ratios. Whatever else loads the machine (other processes on the 2 cores, other clients of
 * the same database) then weighs on both sides alike, which separate JMH forks minutes apart
 * cannot guarantee. Not a JMH measurement: no fork isolation, so it complements, not
 * replaces, the JMH numbers.
 */
final class PairedRun {
    static final int ROUNDS = 10;
    static final long ROUND_MILLIS = 250;
    static final int WARMUP_ROUNDS = 4;

    /** One postMessage case: how many threads, and whether they share one conversation. */
    record Case(String name, int threads, boolean hot) {
    }

    static final List<Case> CASES = List.of(new Case("1 thread", 1, false),
            new Case("8 threads, own conversations", 8, false), new Case("8 threads, one hot conversation", 8, true));

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** Median over rounds of txchat ops / baseline ops, after {@link #WARMUP_ROUNDS} discarded rounds. */
    static double ratio(Env env, Case c) throws InterruptedException {
        Op[] txchat = new Op[c.threads()];
        Op[] raw = new Op[c.threads()];
        Conversation hotTxchat = env.newConversation("bench-bu-paired");
        Conversation hotRaw = env.newConversation("bench-bu-paired");
        for (int i = 0; i < c.threads(); i++) {
            Conversation t = c.hot() ? hotTxchat : env.newConversation("bench-bu-paired");
            Conversation r = c.hot() ? hotRaw : env.newConversation("bench-bu-paired");
            String sender = env.staffParticipant(r);
            txchat[i] = () -> env.chat.postMessage(env.staff, t.id(), NewMessage.of(Env.BODY));
            raw[i] = () -> env.raw.postMessage(r.id().toString(), sender, BenchData.STAFF_USER, Env.BODY);
        }
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < ROUNDS + WARMUP_ROUNDS; round++) {
            // alternate which side goes first so that neither always follows the other
            long t;
            long r;
            if (round % 2 == 0) {
                t = opsIn(txchat);
                r = opsIn(raw);
            } else {
                r = opsIn(raw);
                t = opsIn(txchat);
            }
            if (round >= WARMUP_ROUNDS && r > 0) {
                ratios.add((double) t / r);
            }
        }
        double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN
                : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static long opsIn(Op[] ops) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(ops.length);
        for (Op op : ops) {
            Thread worker = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        op.run();
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
