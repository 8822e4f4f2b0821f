package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole suite and writes {@code results/summary.md} and the raw JMH output
 * ({@code results/jmh-*.json}):
 * <ol>
 *   <li>per database, loads both data sets unless already there (timed), counts the
 *       statements of each hot path ({@link CountingPass}), then puts the data back to its
 *       loaded state, empties the minimal baseline's tables and reads the {@code totalCount}
 *       of each list;</li>
 *   <li>the JMH runs ({@link #GROUPS}), with the GC profiler: the lists first, so they see
 *       exactly the loaded data, then the writing benchmarks;</li>
 *   <li>the paired cross-check of the postMessage ratios ({@link PairedRun});</li>
 *   <li>the decay run ({@link Decay}) and the HOT-update statistics;</li>
 *   <li>the summary ({@link Summary}).</li>
 * </ol>
 * Settings are system properties (see {@code chat-benchmarks/README.md}).
 */
public final class SuiteRunner {
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /**
     * One JMH run: which benchmarks, on which of the databases, the warmup time of each
     * iteration (the lists need less than the writes: the trial's own checks run them first),
     * and where its JSON goes.
     */
    record Group(String json, String include, Set<BenchDatabase> on, String warmupTime) {
    }

    private static final Set<BenchDatabase> ANY = EnumSet.allOf(BenchDatabase.class);
    static final List<Group> GROUPS = List.of(
            new Group("jmh-reads.json", "\\.ListConversationsBenchmark\\.\\w+$", ANY, "1s"),
            new Group("jmh-writes.json", "\\.(PostMessageBenchmark\\.(txchat|baseline|minimal)(Single|Across8|Hot8)"
                    + "|OpenTransactionChatBenchmark\\.\\w+|PostMessageAllocationBenchmark\\.\\w+)$", ANY, "2s"),
            new Group("jmh-concurrency.json", "\\.PostMessageBenchmark\\.\\w+Across32$",
                    EnumSet.of(BenchDatabase.POSTGRESQL), "2s"),
            new Group("jmh-listeners.json", "\\.PostMessageBenchmark\\.listenerSingle$", EnumSet.of(BenchDatabase.H2),
                    "2s"),
            new Group("jmh-regulated.json", "\\.PostMessageBenchmark\\.regulatedSingle$", ANY, "2s"));

    /** The JMH settings of every group. */
    static final int WARMUP_ITERATIONS = Integer.getInteger("txchat.bench.warmupIterations", 1);
    /** Overrides every group's own warmup time. */
    static final String WARMUP_TIME = System.getProperty("txchat.bench.warmupTime");
    static final int MEASUREMENT_ITERATIONS = Integer.getInteger("txchat.bench.measurementIterations", 3);
    static final String MEASUREMENT_TIME = System.getProperty("txchat.bench.measurementTime", "1s");
    static final int FORKS = Integer.getInteger("txchat.bench.forks", 1);
    /** Posts into the one conversation of each side in the decay run, and its time limit per database. */
    static final int DECAY_POSTS = Integer.getInteger("txchat.bench.decayPosts", 100_000);
    static final Duration DECAY_LIMIT = Duration.ofSeconds(Integer.getInteger("txchat.bench.decayLimitSeconds", 240));
    static final List<Side> DECAY_SIDES = List.of(Side.TXCHAT, Side.RAW);
    /** Where the decay run runs: PostgreSQL only by default, H2 too does not fit in 15 minutes. */
    static final List<BenchDatabase> DECAY_DBS = Arrays.stream(System.getProperty("txchat.bench.decayDbs",
            "postgresql").split(",")).filter(s -> !s.isBlank()).map(s -> BenchDatabase.of(s.trim())).toList();

    final List<BenchDatabase> databases = new ArrayList<>();
    final Set<String> phases;
    final Path results = Path.of(System.getProperty("txchat.bench.results", "results")).toAbsolutePath();
    final Map<BenchDatabase, String> versions = new LinkedHashMap<>();
    final Map<BenchDatabase, String> loadTimes = new LinkedHashMap<>();
    final Map<BenchDatabase, List<CountingPass.Counts>> counts = new LinkedHashMap<>();
    /** db → data set → list → the totalCount its first page reported before the trials. */
    final Map<BenchDatabase, Map<DataSet, Map<ListCase, Long>>> listTotals = new LinkedHashMap<>();
    final Map<BenchDatabase, Map<PairedRun.Case, Map<Side, Double>>> paired = new LinkedHashMap<>();
    final Map<BenchDatabase, List<Decay.Result>> decay = new LinkedHashMap<>();
    /** PostgreSQL: the HOT updates of the minimal baseline's conversations, written only by its benchmarks. */
    final Map<BenchDatabase, Decay.HotStats> minimalHot = new LinkedHashMap<>();
    final List<RunResult> jmh = new ArrayList<>();
    final List<String> jmhFiles = new ArrayList<>();

    private SuiteRunner() {
        for (String id : System.getProperty("txchat.bench.dbs", "h2,postgresql").split(",")) {
            if (!id.isBlank()) {
                databases.add(BenchDatabase.of(id.trim()));
            }
        }
        phases = Set.of(System.getProperty("txchat.bench.phases", "count,jmh,paired,decay").split(","));
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        new SuiteRunner().run();
    }

    private void run() throws Exception {
        Instant start = Instant.now();
        Files.createDirectories(results);
        for (BenchDatabase db : databases) {
            prepare(db);
        }
        if (phases.contains("jmh")) {
            String include = System.getProperty("txchat.bench.include");
            for (Group g : include == null ? GROUPS : List.of(new Group("jmh-results.json", include, ANY, "2s"))) {
                List<BenchDatabase> on = databases.stream().filter(g.on()::contains).toList();
                if (!on.isEmpty()) {
                    jmh.addAll(jmh(g, on));
                    jmhFiles.add(g.json());
                }
            }
        }
        for (BenchDatabase db : databases) {
            if (phases.contains("paired")) {
                pairedRun(db);
            }
            if (phases.contains("decay") && DECAY_DBS.contains(db)) {
                long t0 = System.nanoTime();
                decay.put(db, Decay.run(db, DECAY_POSTS, DECAY_LIMIT, DECAY_SIDES));
                log("%s: decay run in %d s", db.id(), since(t0) / 1000);
            }
            if (db == BenchDatabase.POSTGRESQL) {
                minimalHot.put(db, Decay.hotStats(db, RawMinimal.PREFIX + "conversations", 0));
            }
        }
        Duration took = Duration.between(start, Instant.now());
        String summary = new Summary(this, took).render();
        Files.writeString(results.resolve("summary.md"), summary, StandardCharsets.UTF_8);
        System.out.println(summary);
        log("wrote %s in %d s", results.resolve("summary.md"), took.toSeconds());
    }

    /**
     * Loads both data sets unless there, counts statements, then puts the data back to its
     * loaded state and the minimal baseline's tables back to empty.
     */
    private void prepare(BenchDatabase db) throws Exception {
        boolean reset = Boolean.getBoolean("txchat.bench.reset");
        H2Snapshot snapshot = db == BenchDatabase.H2 ? new H2Snapshot() : null;
        long t0 = System.nanoTime();
        if (snapshot != null) {
            if (!reset && snapshot.restore()) {
                log("h2: pristine data sets restored in %d ms", since(t0));
            } else {
                // a fresh file: loading into one that earlier runs grew would keep it large
                snapshot.discard();
                snapshot.deleteLive();
            }
        }
        long loadMs = 0;
        for (DataSet set : List.of(DataSet.LARGE, DataSet.SMALL)) {
            try (Env env = Env.openUnloaded(db, set)) {
                loadMs += env.ensureLoaded(set, reset);
                versions.put(db, env.version());
            }
        }
        loadTimes.put(db, loadMs == 0 ? "reused" : String.format(Locale.ROOT, "loaded in %.1f s", loadMs / 1000.0));
        log("%s: data sets %s", db.id(), loadTimes.get(db));
        if (snapshot != null && loadMs > 0) {
            snapshot.save();
        }
        if (phases.contains("count")) {
            counts.put(db, CountingPass.run(db));
            log("%s: statements counted", db.id());
        }
        long t1 = System.nanoTime();
        if (snapshot != null && snapshot.restore()) {
            // the snapshot may predate this store's newest migration, which ensureLoaded applied
            for (DataSet set : List.of(DataSet.LARGE, DataSet.SMALL)) {
                try (Env env = Env.openUnloaded(db, set)) {
                    env.store.migrate();
                }
            }
            log("h2: pristine data sets restored in %d ms", since(t1));
        } else {
            for (DataSet set : List.of(DataSet.LARGE, DataSet.SMALL)) {
                try (Env env = Env.openUnloaded(db, set); Connection c = env.pool.getConnection()) {
                    log("%s: %d rows of earlier runs removed from %s in %d ms", db.id(), BenchData.trim(c, db, set),
                            set.name(), since(t1));
                }
            }
        }
        // new tables, so that the PostgreSQL statistics of the minimal baseline count this run only
        try (Env env = Env.openUnloaded(db, DataSet.LARGE); Connection c = env.pool.getConnection()) {
            BenchData.drop(c, db, RawMinimal.PREFIX);
            env.minimal.createTables();
        }
        // what the lists will see: the summary compares each total with what was loaded
        Map<DataSet, Map<ListCase, Long>> totals = new LinkedHashMap<>();
        for (DataSet set : List.of(DataSet.SMALL, DataSet.LARGE)) {
            try (Env env = Env.openUnloaded(db, set)) {
                Map<ListCase, Long> perList = new EnumMap<>(ListCase.class);
                for (ListCase list : ListCase.values()) {
                    perList.put(list, list.total(env));
                }
                totals.put(set, perList);
            }
        }
        listTotals.put(db, totals);
    }

    private void pairedRun(BenchDatabase db) throws Exception {
        Map<PairedRun.Case, Map<Side, Double>> perCase = new LinkedHashMap<>();
        try (Env env = Env.open(db)) {
            for (PairedRun.Case c : PairedRun.CASES) {
                if (c.dbs().contains(db)) {
                    perCase.put(c, PairedRun.ratios(env, c));
                    log("%s: paired %s: %s", db.id(), c.name(), perCase.get(c));
                }
            }
        }
        paired.put(db, perCase);
    }

    private List<RunResult> jmh(Group group, List<BenchDatabase> on) throws RunnerException {
        OptionsBuilder options = new OptionsBuilder();
        options.include(group.include())
                .param("db", on.stream().map(BenchDatabase::id).toArray(String[]::new))
                .forks(FORKS)
                .warmupIterations(WARMUP_ITERATIONS)
                .warmupTime(TimeValue.fromString(WARMUP_TIME == null ? group.warmupTime() : WARMUP_TIME))
                .measurementIterations(MEASUREMENT_ITERATIONS)
                .measurementTime(TimeValue.fromString(MEASUREMENT_TIME))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(false)
                .resultFormat(ResultFormatType.JSON)
                .result(results.resolve(group.json()).toString())
                .jvmArgs(forkJvmArgs().toArray(String[]::new));
        return new ArrayList<>(new Runner(options.build()).run());
    }

    /** The forks see the same databases, sizes and H2 directory as this JVM. */
    private static List<String> forkJvmArgs() {
        List<String> args = new ArrayList<>(Arrays.asList("-Xms1g", "-Xmx1g", "-Dtxchat.bench.prepared=true",
                "-D" + LOG_LEVEL + "=" + System.getProperty(LOG_LEVEL)));
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("txchat.bench.") && !key.equals("txchat.bench.reset")) {
                args.add("-D" + key + "=" + v);
            }
        });
        if (System.getProperty("txchat.bench.dir") == null) {
            args.add("-Dtxchat.bench.dir=" + Path.of("target/bench-data").toAbsolutePath());
        }
        return args;
    }

    private static long since(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[txchat-bench] " + format + "%n", args);
    }
}
