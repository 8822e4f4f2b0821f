package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The decay run: for each side, ONE conversation takes {@code posts} posts, single-threaded,
 * starting from an EMPTY schema of its own ({@code bdecay_<side>_}: dropped, migrated afresh,
 * never analyzed; a new pool, so the driver's and the server's statement caches start empty and
 * PostgreSQL may switch to generic plans after 5 executions as it does by default). The sides
 * take turns in blocks of 1% of the posts, so load from other processes weighs on both alike.
 * The result compares the throughput of the first 10% of the posts with the last 10%. On
 * PostgreSQL, the conversations table of each side is then read for its HOT updates. Stops
 * early, and says so, when {@code cap} runs out.
 */
final class Decay {
    static final int BLOCKS = 100;
    static final int DECILE = BLOCKS / 10;

    /** One side's run: nanoseconds per block of posts. */
    record Result(Side side, int posts, long[] blockNanos, int blocksDone, HotStats hot) {
        int posted() {
            return blocksDone * (posts / BLOCKS);
        }

        boolean complete() {
            return blocksDone == BLOCKS;
        }

        /** Posts per second over decile {@code d} (0 = the first 10% of the posts). */
        double decile(int d) {
            if ((d + 1) * DECILE > blocksDone) {
                return Double.NaN;
            }
            long nanos = Arrays.stream(blockNanos, d * DECILE, (d + 1) * DECILE).sum();
            return DECILE * (posts / BLOCKS) * 1e9 / nanos;
        }

        double first() {
            return decile(0);
        }

        /** The last complete decile: the last 10% when the run completed. */
        double last() {
            return decile(blocksDone / DECILE - 1);
        }

        /** Throughput of every complete decile, first to last. */
        List<Double> deciles() {
            List<Double> all = new ArrayList<>();
            for (int d = 0; d < blocksDone / DECILE; d++) {
                all.add(decile(d));
            }
            return all;
        }
    }

    /** Updates of a conversations table, and how many of them were HOT (no index touched). */
    record HotStats(String table, long updates, long hotUpdates) {
        double fraction() {
            return updates == 0 ? Double.NaN : (double) hotUpdates / updates;
        }
    }

    private Decay() {
    }

    static String prefix(Side side) {
        return "bdecay_" + side.name().toLowerCase(Locale.ROOT) + "_";
    }

    /** Runs the sides in alternating blocks; {@code posts} is rounded down to whole blocks. */
    static List<Result> run(BenchDatabase db, int posts, Duration cap, List<Side> sides) throws Exception {
        int block = posts / BLOCKS;
        List<Env> envs = new ArrayList<>();
        List<Poster> posters = new ArrayList<>();
        long[][] nanos = new long[sides.size()][BLOCKS];
        int done = 0;
        try {
            for (Side side : sides) {
                Env env = Env.openEmpty(db, prefix(side));
                envs.add(env);
                posters.add(side.create(env, "bench-bu-decay"));
            }
            long deadline = System.nanoTime() + cap.toNanos();
            while (done < BLOCKS && System.nanoTime() < deadline) {
                for (int k = 0; k < sides.size(); k++) {
                    int s = (done + k) % sides.size();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < block; i++) {
                        posters.get(s).post();
                    }
                    nanos[s][done] = System.nanoTime() - t0;
                }
                done++;
            }
        } finally {
            // closing the pools ends the server sessions, which flushes their table statistics
            envs.forEach(Env::close);
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < sides.size(); s++) {
            HotStats hot = db == BenchDatabase.POSTGRESQL
                    ? hotStats(db, prefix(sides.get(s)) + "conversations", (long) done * block) : null;
            results.add(new Result(sides.get(s), block * BLOCKS, nanos[s], done, hot));
        }
        return results;
    }

    /**
     * {@code n_tup_upd} and {@code n_tup_hot_upd} of a PostgreSQL table, waiting up to 5 s for
     * the statistics of ended sessions to reach at least {@code expectedUpdates}.
     */
    static HotStats hotStats(BenchDatabase db, String table, long expectedUpdates) throws SQLException,
            InterruptedException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement ps = c.prepareStatement("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
                     + " WHERE relname = ? AND schemaname = current_schema()")) {
            ps.setString(1, table);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (true) {
                // each read of the statistics views within one transaction sees a snapshot; autocommit gives a new one
                try (ResultSet rs = ps.executeQuery()) {
                    HotStats stats = rs.next() ? new HotStats(table, rs.getLong(1), rs.getLong(2))
                            : new HotStats(table, 0, 0);
                    if (stats.updates() >= expectedUpdates || System.nanoTime() > deadline) {
                        return stats;
                    }
                }
                Thread.sleep(200); // statistics of ended sessions arrive asynchronously
            }
        }
    }
}
