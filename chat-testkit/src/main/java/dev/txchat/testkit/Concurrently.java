package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs one task on many threads released together, for the contract suites' race tests. */
final class Concurrently {

    /** How long a race may take before the test fails instead of hanging. */
    static final int WAIT_SECONDS = 60;

    /** A task told its thread's index. */
    @FunctionalInterface
    interface IndexedTask<T> {
        T run(int index) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Runs {@code task(0..threads-1)} on as many threads, released together by one start
     * gate, and returns their results in index order; fails the test if any thread fails or
     * does not finish in time.
     */
    static <T> List<T> run(int threads, IndexedTask<T> task) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    if (!start.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new TimeoutException("start gate never opened");
                    }
                    return task.run(index);
                }));
            }
            assertThat(ready.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("all threads ready").isTrue();
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            return results;
        } catch (ExecutionException e) {
            throw new AssertionError("a concurrent task failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("a concurrent task did not finish within " + WAIT_SECONDS + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
