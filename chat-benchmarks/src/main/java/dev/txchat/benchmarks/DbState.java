package dev.txchat.benchmarks;

import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The database a trial runs on ({@code @Param db}), opened once per trial on the large data set
 * and shared by all benchmark threads; txchat and its baselines use the same pool. The data
 * set is loaded here unless the runner says it has prepared it.
 */
@State(Scope.Benchmark)
public class DbState {
    @Param({"h2", "postgresql"})
    public String db;

    public Env env;

    @Setup(Level.Trial)
    public void open() {
        env = Env.open(BenchDatabase.of(db), dataSet(), UnaryOperator.identity());
    }

    /** The data set this state opens; the large one unless a subclass says otherwise. */
    protected DataSet dataSet() {
        return DataSet.LARGE;
    }

    @TearDown(Level.Trial)
    public void close() {
        env.close();
    }
}
