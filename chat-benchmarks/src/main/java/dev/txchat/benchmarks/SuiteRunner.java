package dev.txchat.benchmarks;

import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole suite and writes {@code results/summary.md}, {@code results/jmh-reads.json} and
 * {@code results/jmh-writes.json}:
 * <ol>
 *   <li>per database, loads the data set unless already there (timed);</li>
 *   <li>a counting pass: each hot path once through a statement-counting proxy, txchat and
 *       baseline, to compare statements per operation;</li>
 *   <li>one JMH run of every benchmark on every database, with the GC profiler;</li>
 *   <li>the summary: medians, ratios, and whether each target of issue 4 is met.</li>
 * </ol>
 * Settings are system properties (see {@code chat-benchmarks/README.md}).
 */
public final class SuiteRunner {
    private static final int COUNT_OPS = 10;
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private final List<BenchDatabase> databases = new ArrayList<>();
    private final Path results = Path.of(System.getProperty("txchat.bench.results", "results")).toAbsolutePath();
    private final Map<BenchDatabase, String> versions = new LinkedHashMap<>();
    private final Map<BenchDatabase, String> loadTimes = new LinkedHashMap<>();
    /** db → hot path → counts. */
    private final Map<BenchDatabase, Map<String, Counts>> counts = new LinkedHashMap<>();
    /** db → postMessage case → txchat/raw from {@link PairedRun}. */
    private final Map<BenchDatabase, Map<String, Double>> paired = new LinkedHashMap<>();

    private SuiteRunner() {
        for (String id : System.getProperty("txchat.bench.dbs", "h2,postgresql").split(",")) {
            if (!id.isBlank()) {
                databases.add(BenchDatabase.of(id.trim()));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        new SuiteRunner().run();
    }

    private void run() throws IOException, SQLException, RunnerException {
        Instant start = Instant.now();
        Files.createDirectories(results);
        boolean reset = Boolean.getBoolean("txchat.bench.reset");
        for (BenchDatabase db : databases) {
            H2Snapshot snapshot = db == BenchDatabase.H2 ? new H2Snapshot() : null;
            long t0 = System.nanoTime();
            if (snapshot != null) {
                if (!reset && snapshot.restore()) {
                    System.out.printf("[txchat-bench] h2: pristine data set restored in %d ms%n", since(t0));
                } else {
                    // a fresh file: loading into one that earlier runs grew would keep it large
                    snapshot.discard();
                    snapshot.deleteLive();
                }
            }
            long loadMs;
            try (Env env = Env.openUnloaded(db)) {
                loadMs = env.ensureLoaded(reset);
                versions.put(db, env.version());
            }
            loadTimes.put(db, loadMs == 0 ? "reused" : String.format(Locale.ROOT, "loaded in %.1f s", loadMs / 1000.0));
            System.out.printf("[txchat-bench] %s: data set %s%n", db.id(), loadTimes.get(db));
            if (snapshot != null && loadMs > 0) {
                snapshot.save();
            }
            counts.put(db, countStatements(db));
            System.out.printf("[txchat-bench] %s: statements counted%n", db.id());
            long t1 = System.nanoTime();
            if (snapshot != null && snapshot.restore()) {
                System.out.printf("[txchat-bench] h2: pristine data set restored in %d ms%n", since(t1));
            } else {
                try (Env env = Env.openUnloaded(db); var c = env.pool.getConnection()) {
                    long deleted = BenchData.trim(c, db);
                    System.out.printf("[txchat-bench] %s: %d rows of earlier runs removed in %d ms%n", db.id(),
                            deleted, since(t1));
                }
            }
        }

        // reads first, so that the lists hold exactly the loaded data set and not the
        // conversations the write benchmarks create
        List<RunResult> runResults = new ArrayList<>();
        String include = System.getProperty("txchat.bench.include");
        if (include != null) {
            runResults.addAll(jmh(include, "jmh-results.json"));
        } else {
            runResults.addAll(jmh("dev\\.txchat\\.benchmarks\\.List\\w*Benchmark\\..*", "jmh-reads.json"));
            runResults.addAll(jmh("dev\\.txchat\\.benchmarks\\.(Post|Open)\\w*Benchmark\\..*", "jmh-writes.json"));
        }

        for (BenchDatabase db : databases) {
            try (Env env = Env.open(db)) {
                Map<String, Double> perCase = new LinkedHashMap<>();
                for (PairedRun.Case c : PairedRun.CASES) {
                    perCase.put(c.name(), PairedRun.ratio(env, c));
                }
                paired.put(db, perCase);
                System.out.printf("[txchat-bench] %s: paired postMessage ratios %s%n", db.id(), perCase);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        Duration took = Duration.between(start, Instant.now());
        String summary = new Summary(runResults, took).render();
        Files.writeString(results.resolve("summary.md"), summary, StandardCharsets.UTF_8);
        System.out.println(summary);
        System.out.printf("[txchat-bench] wrote %s in %d s%n", results.resolve("summary.md"), took.toSeconds());
    }

    private static long since(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private Collection<RunResult> jmh(String include, String jsonName) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .param("db", databases.stream().map(BenchDatabase::id).toArray(String[]::new))
                .forks(Integer.getInteger("txchat.bench.forks", 1))
                .warmupIterations(Integer.getInteger("txchat.bench.warmupIterations", 2))
                .warmupTime(TimeValue.fromString(System.getProperty("txchat.bench.warmupTime", "2s")))
                .measurementIterations(Integer.getInteger("txchat.bench.measurementIterations", 3))
                .measurementTime(TimeValue.fromString(System.getProperty("txchat.bench.measurementTime", "2s")))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(false)
                .resultFormat(ResultFormatType.JSON)
                .result(results.resolve(jsonName).toString())
                .jvmArgs(forkJvmArgs().toArray(String[]::new));
        return new Runner(options.build()).run();
    }

    /** The forks see the same databases, sizes and H2 directory as this JVM. */
    private static List<String> forkJvmArgs() {
        List<String> args = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-D" + LOG_LEVEL + "=" + System.getProperty(LOG_LEVEL)));
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

    // ---- statement counting ---------------------------------------------------------------------

    /** Statements and commits per operation of one hot path, txchat and baseline. */
    record Counts(double txchat, double baseline, double txchatCommits, double baselineCommits,
                  List<String> txchatSql, List<String> baselineSql) {
    }

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    private Map<String, Counts> countStatements(BenchDatabase db) throws SQLException {
        StatementCounter counter = new StatementCounter();
        Map<String, Counts> result = new LinkedHashMap<>();
        try (Env env = Env.open(db, counter::wrap)) {
            RawJdbc raw = env.raw;
            Conversation txchatConversation = env.newConversation("bench-bu-count");
            Conversation baselineConversation = env.newConversation("bench-bu-count");
            String sender = env.staffParticipant(baselineConversation);
            result.put("postMessage", count(counter,
                    () -> env.chat.postMessage(env.staff, txchatConversation.id(), NewMessage.of(Env.BODY)),
                    () -> raw.postMessage(baselineConversation.id().toString(), sender, BenchData.STAFF_USER, Env.BODY)));

            Page<ParticipantMessage> tail = env.chat.listMessages(env.staff, BenchData.DEEP_CONVERSATION,
                    PageRequest.last(100));
            String cursor = tail.pageInfo().startCursor();
            long after = tail.nodes().get(0).sequence();
            result.put("listMessages (depth 1M)", count(counter,
                    () -> env.chat.listMessages(env.staff, BenchData.DEEP_CONVERSATION, PageRequest.first(50, cursor)),
                    () -> raw.listMessages(BenchData.DEEP_CONVERSATION.toString(), after, 51)));

            result.put("listConversations (staff, first page)", count(counter,
                    () -> env.chat.listConversations(env.staff, ConversationFilter.all(), PageRequest.first(50)),
                    () -> raw.listConversations(RawJdbc.Scope.STAFF, null, 51)));
            result.put("listConversations (business user, first page)", count(counter,
                    () -> env.chat.listConversations(ListConversationsBenchmark.BUSINESS, ConversationFilter.all(),
                            PageRequest.first(50)),
                    () -> raw.listConversations(ListConversationsBenchmark.BUSINESS_SCOPE, null, 51)));

            String txchatTransaction = env.openNewTransactionChat().ticket().transactionId();
            String baselineTransaction = Env.newTransactionId();
            raw.openNew(baselineTransaction, BenchData.STAFF_USER, Env.TX_BUSINESS_USER, Env.TX_ORGANIZATION,
                    OpenTransactionChatBenchmark.DETAILS, Env.BODY);
            result.put("openTransactionChat (existing)", count(counter,
                    () -> env.chat.openTransactionChat(env.staff, new OpenTransactionChat(txchatTransaction,
                            OpenTransactionChatBenchmark.BUSINESS_USER, NewMessage.of(Env.BODY))),
                    () -> raw.openExisting(baselineTransaction, BenchData.STAFF_USER, Env.TX_BUSINESS_USER, Env.BODY)));
            result.put("openTransactionChat (new)", count(counter,
                    () -> env.chat.openTransactionChat(env.staff, new OpenTransactionChat(Env.newTransactionId(),
                            OpenTransactionChatBenchmark.BUSINESS_USER, NewMessage.of(Env.BODY))),
                    () -> raw.openNew(Env.newTransactionId(), BenchData.STAFF_USER, Env.TX_BUSINESS_USER,
                            Env.TX_ORGANIZATION, OpenTransactionChatBenchmark.DETAILS, Env.BODY)));
        }
        return result;
    }

    private static Counts count(StatementCounter counter, Op txchat, Op baseline) {
        double[] t = measure(counter, txchat);
        List<String> tSql = counter.log();
        double[] b = measure(counter, baseline);
        List<String> bSql = counter.log();
        return new Counts(t[0], b[0], t[1], b[1], tSql, bSql);
    }

    /** Statements and commits per op, averaged; the log holds the last op's statements. */
    private static double[] measure(StatementCounter counter, Op op) {
        try {
            long statements = 0;
            long commits = 0;
            for (int i = 0; i < COUNT_OPS; i++) {
                counter.reset(true);
                op.run();
                statements += counter.statements();
                commits += counter.commits();
            }
            return new double[] {(double) statements / COUNT_OPS, (double) commits / COUNT_OPS};
        } catch (Exception e) {
            throw new IllegalStateException("counting pass failed: " + e, e);
        }
    }

    // ---- summary --------------------------------------------------------------------------------

    /** One benchmark result: median of the measurement iterations, the JMH error, the allocation. */
    record Score(double median, double mean, double error, String unit, double allocPerOp) {
    }

    private final class Summary {
        /** "Class.method" → db → score. */
        private final Map<String, Map<String, Score>> scores = new TreeMap<>();
        private final Duration took;
        private final StringBuilder out = new StringBuilder();
        private final List<String[]> targets = new ArrayList<>();

        Summary(Collection<RunResult> runResults, Duration took) {
            this.took = took;
            for (RunResult r : runResults) {
                String label = r.getParams().getBenchmark();
                label = label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1);
                String db = r.getParams().getParam("db");
                Result<?> primary = r.getPrimaryResult();
                Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
                scores.computeIfAbsent(label, k -> new TreeMap<>()).put(db, new Score(
                        primary.getStatistics().getPercentile(50), primary.getScore(), primary.getScoreError(),
                        primary.getScoreUnit(), alloc == null ? Double.NaN : alloc.getStatistics().getPercentile(50)));
            }
        }

        private Optional<Score> score(String benchmark, BenchDatabase db) {
            return Optional.ofNullable(scores.getOrDefault(benchmark, Map.of()).get(db.id()));
        }

        String render() {
            line("# txchat benchmark results");
            line("");
            line("Generated by `chat-benchmarks/run.sh` on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    + " from txchat " + System.getProperty("txchat.bench.revision", "(revision unknown)")
                    + "; the suite took " + took.toMinutesPart() + " min " + took.toSecondsPart()
                    + " s after the build.");
            line("");
            machine();
            postMessage();
            pages();
            openTransactionChat();
            allocation();
            statements();
            targetTable();
            line("");
            line("Raw JMH output (every iteration, with the GC profiler counters): `jmh-reads.json` (lists, run "
                    + "first) and `jmh-writes.json`.");
            return out.toString();
        }

        private void machine() {
            line("## Machine and settings");
            line("");
            line("| | |");
            line("| --- | --- |");
            line("| CPUs (`nproc`) | " + Runtime.getRuntime().availableProcessors() + " |");
            line("| CPU model | " + cpuModel() + " |");
            line("| Memory | " + memory() + " |");
            line("| Java | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                    + " |");
            for (BenchDatabase db : databases) {
                line("| " + db.id() + " | " + versions.get(db) + "; data set " + loadTimes.get(db) + " |");
            }
            line("| JMH | 1 fork per benchmark and database, warmup "
                    + Integer.getInteger("txchat.bench.warmupIterations", 2) + " x "
                    + System.getProperty("txchat.bench.warmupTime", "2s") + ", measurement "
                    + Integer.getInteger("txchat.bench.measurementIterations", 3) + " x "
                    + System.getProperty("txchat.bench.measurementTime", "2s") + ", `-prof gc`, heap 1 GB |");
            line("| Data set | one conversation of " + BenchData.deepMessages() + " messages; "
                    + BenchData.conversations() + " conversations with 2 participants and 1 message each, "
                    + BenchData.BUSINESS_USERS + " business users (each in 1/" + BenchData.BUSINESS_USERS + ") |");
            line("");
            line("Scores are the **median** of the measurement iterations; ± is JMH's 99.9% error of the mean. "
                    + "The machine is shared and noisy: read ratios, not absolute numbers.");
            line("");
        }

        private void postMessage() {
            line("## postMessage (throughput, higher is better)");
            line("");
            line("| case | db | txchat ops/s | raw JDBC ops/s | txchat / raw (JMH) | paired txchat / raw | target"
                    + " | met (JMH) | met (paired) |");
            line("| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: | :---: |");
            for (String[] c : List.of(new String[] {"1 thread", "Single"}, new String[] {"8 threads, own conversations",
                    "Across8"}, new String[] {"8 threads, one hot conversation", "Hot8"})) {
                for (BenchDatabase db : databases) {
                    Optional<Score> t = score("PostMessageBenchmark.txchat" + c[1], db);
                    Optional<Score> b = score("PostMessageBenchmark.baseline" + c[1], db);
                    // the issue sets 0.8 for PostgreSQL and 0.5 for H2; MariaDB, a server too, is held to 0.8
                    double target = db == BenchDatabase.H2 ? 0.5 : 0.8;
                    double ratio = ratio(t, b);
                    double pairedRatio = paired.getOrDefault(db, Map.of()).getOrDefault(c[0], Double.NaN);
                    String met = verdict(!Double.isNaN(ratio), ratio >= target);
                    String pairedMet = verdict(!Double.isNaN(pairedRatio), pairedRatio >= target);
                    line("| " + c[0] + " | " + db.id() + " | " + fmt(t) + " | " + fmt(b) + " | " + num(ratio)
                            + " | " + num(pairedRatio) + " | ≥ " + target + " | " + met + " | " + pairedMet + " |");
                    targets.add(new String[] {"postMessage throughput ≥ " + target + " × raw JDBC (" + c[0] + ")",
                            db.id(), "JMH " + num(ratio) + " ×, paired " + num(pairedRatio) + " ×",
                            met.equals(pairedMet) ? met : met + " (JMH) / " + pairedMet + " (paired)"});
                }
            }
            line("");
            line("*JMH* compares the medians of two separate forks, run minutes apart; *paired* runs txchat and "
                    + "the baseline in " + PairedRun.ROUNDS + " alternating rounds of " + PairedRun.ROUND_MILLIS
                    + " ms each, in one JVM on one pool, after the JMH runs, and takes the median of the per-round "
                    + "ratios, so load from other processes weighs on both alike.");
            line("");
        }

        private void pages() {
            line("## Pages (average time per call, lower is better)");
            line("");
            line("| list | db | txchat first | txchat deep | deep / first | raw first | raw deep | raw deep / first"
                    + " | txchat / raw (deep) | met (≤ 1.3) |");
            line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |");
            page("listMessages, 50 at depth 0 vs 1,000,000", "ListMessagesBenchmark.txchatDepth0",
                    "ListMessagesBenchmark.txchatDepth1M", "ListMessagesBenchmark.baselineDepth0",
                    "ListMessagesBenchmark.baselineDepth1M");
            page("listConversations, staff, all 100k", "ListConversationsBenchmark.txchatStaffFirst",
                    "ListConversationsBenchmark.txchatStaffDeep", "ListConversationsBenchmark.baselineStaffFirst",
                    "ListConversationsBenchmark.baselineStaffDeep");
            page("listConversations, staff, filter by organization (10k)",
                    "ListConversationsBenchmark.txchatStaffFilterFirst",
                    "ListConversationsBenchmark.txchatStaffFilterDeep", null, null);
            page("listConversations, one business user (10k)", "ListConversationsBenchmark.txchatBusinessFirst",
                    "ListConversationsBenchmark.txchatBusinessDeep", "ListConversationsBenchmark.baselineBusinessFirst",
                    "ListConversationsBenchmark.baselineBusinessDeep");
            line("");
            line("Deep pages start after a cursor near the end of the list (the 100th-oldest conversation; for messages, "
                    + "sequence ~" + BenchData.deepMessages() + "), taken from a real `last(100)` page; the baseline seeks to "
                    + "the same position.");
            line("");
        }

        private void page(String name, String first, String deep, String rawFirst, String rawDeep) {
            for (BenchDatabase db : databases) {
                Optional<Score> f = score(first, db);
                Optional<Score> d = score(deep, db);
                Optional<Score> rf = rawFirst == null ? Optional.empty() : score(rawFirst, db);
                Optional<Score> rd = rawDeep == null ? Optional.empty() : score(rawDeep, db);
                double ratio = ratio(d, f);
                String met = verdict(!Double.isNaN(ratio), ratio <= 1.3);
                line("| " + name + " | " + db.id() + " | " + fmt(f) + " | " + fmt(d) + " | " + num(ratio) + " | "
                        + fmt(rf) + " | " + fmt(rd) + " | " + num(ratio(rd, rf)) + " | " + num(ratio(d, rd)) + " | "
                        + met + " |");
                targets.add(new String[] {"deep / first page ≤ 1.3: " + name, db.id(), num(ratio), met});
            }
        }

        private void openTransactionChat() {
            line("## openTransactionChat (throughput, higher is better)");
            line("");
            line("| case | db | txchat ops/s | raw JDBC ops/s | txchat / raw |");
            line("| --- | --- | ---: | ---: | ---: |");
            for (String[] c : List.of(new String[] {"existing chat (append)", "Existing"},
                    new String[] {"new chat", "New"})) {
                for (BenchDatabase db : databases) {
                    Optional<Score> t = score("OpenTransactionChatBenchmark.txchat" + c[1], db);
                    Optional<Score> b = score("OpenTransactionChatBenchmark.baseline" + c[1], db);
                    line("| " + c[0] + " | " + db.id() + " | " + fmt(t) + " | " + fmt(b) + " | " + num(ratio(t, b))
                            + " |");
                }
            }
            line("");
        }

        private void allocation() {
            line("## Allocation per postMessage (`gc.alloc.rate.norm`, bytes/op)");
            line("");
            line("| db | history 10 | history 1,000,000 | 1M / 10 | met (within 10%) | raw JDBC postMessage |");
            line("| --- | ---: | ---: | ---: | :---: | ---: |");
            for (BenchDatabase db : databases) {
                Optional<Score> small = score("PostMessageAllocationBenchmark.txchatHistory10", db);
                Optional<Score> large = score("PostMessageAllocationBenchmark.txchatHistory1M", db);
                Optional<Score> raw = score("PostMessageBenchmark.baselineSingle", db);
                double a = small.map(Score::allocPerOp).orElse(Double.NaN);
                double b = large.map(Score::allocPerOp).orElse(Double.NaN);
                double ratio = b / a;
                String met = verdict(!Double.isNaN(ratio), Math.abs(ratio - 1) <= 0.10);
                line("| " + db.id() + " | " + bytes(a) + " | " + bytes(b) + " | " + num(ratio) + " | " + met + " | "
                        + bytes(raw.map(Score::allocPerOp).orElse(Double.NaN)) + " |");
                targets.add(new String[] {"allocation per postMessage independent of history (±10%)", db.id(),
                        num(ratio), met});
            }
            line("");
            line("The short conversation has 10 messages when the trial starts; it grows by the operations of the "
                    + "run itself (thousands), still orders of magnitude below a million.");
            line("");
        }

        private void statements() {
            line("## Statements per operation (counting pass, JDBC proxy)");
            line("");
            line("Each executed SQL statement counts once (each row of a JDBC batch once); commits are counted "
                    + "apart. Target: txchat ≤ raw JDBC + 1.");
            line("");
            line("| hot path | db | txchat statements | raw JDBC statements | txchat commits | raw commits | met |");
            line("| --- | --- | ---: | ---: | ---: | ---: | :---: |");
            for (BenchDatabase db : databases) {
                for (Map.Entry<String, Counts> e : counts.getOrDefault(db, Map.of()).entrySet()) {
                    Counts c = e.getValue();
                    String met = verdict(true, c.txchat() <= c.baseline() + 1);
                    line("| " + e.getKey() + " | " + db.id() + " | " + num(c.txchat()) + " | " + num(c.baseline())
                            + " | " + num(c.txchatCommits()) + " | " + num(c.baselineCommits()) + " | " + met + " |");
                    targets.add(new String[] {"statements ≤ raw + 1: " + e.getKey(), db.id(),
                            num(c.txchat()) + " vs " + num(c.baseline()), met});
                }
            }
            line("");
            for (BenchDatabase db : databases) {
                Map<String, Counts> perPath = counts.getOrDefault(db, Map.of());
                for (String path : List.of("postMessage", "openTransactionChat (existing)")) {
                    Counts c = perPath.get(path);
                    if (c == null || c.txchat() <= c.baseline() + 1) {
                        continue;
                    }
                    line("<details><summary>" + db.id() + ", " + path + ": the statements of one call</summary>");
                    line("");
                    line("txchat:");
                    line("");
                    line("```sql");
                    c.txchatSql().forEach(s -> line(s.replaceAll("\\s+", " ")));
                    line("```");
                    line("");
                    line("raw JDBC:");
                    line("");
                    line("```sql");
                    c.baselineSql().forEach(s -> line(s.replaceAll("\\s+", " ")));
                    line("```");
                    line("");
                    line("</details>");
                    line("");
                }
            }
        }

        private void targetTable() {
            line("## Targets (issue 4)");
            line("");
            line("| target | db | measured | met |");
            line("| --- | --- | ---: | :---: |");
            targets.forEach(t -> line("| " + String.join(" | ", t) + " |"));
        }

        private void line(String s) {
            out.append(s).append('\n');
        }
    }

    private static double ratio(Optional<Score> a, Optional<Score> b) {
        if (a.isEmpty() || b.isEmpty() || b.get().median() == 0) {
            return Double.NaN;
        }
        return a.get().median() / b.get().median();
    }

    private static String verdict(boolean measured, boolean met) {
        return !measured ? "n/a" : met ? "yes" : "**no**";
    }

    private static String fmt(Optional<Score> s) {
        return s.map(v -> num(v.median()) + " ± " + num(v.error())).orElse("–");
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String bytes(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return String.format(Locale.ROOT, "%.1f GB", sun.getTotalMemorySize() / 1e9);
        }
        return "unknown";
    }
}
