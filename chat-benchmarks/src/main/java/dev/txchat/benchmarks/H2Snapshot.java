package dev.txchat.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A pristine copy of the H2 database file, taken right after loading. Putting it back
 * before measuring is much faster than deleting what earlier runs wrote: H2 deletes a
 * million rows slowly and then compacts its file in the background, which would disturb
 * the measurements. Only used while no connection to the H2 file is open.
 */
final class H2Snapshot {
    /** The data sets the file holds: a copy of other ones is not restored. */
    private static final String DATA_SETS = DataSet.LARGE.key() + "|" + DataSet.SMALL.key();
    private final Path live;
    private final Path copy;
    private final Path key;

    H2Snapshot() {
        Path dir = Path.of(System.getProperty("txchat.bench.dir", "target/bench-data")).toAbsolutePath();
        this.live = dir.resolve("txchat-bench.mv.db");
        this.copy = dir.resolve("pristine").resolve("txchat-bench.mv.db");
        this.key = dir.resolve("pristine").resolve("data-set");
    }

    /** Replaces the live file by the pristine copy, if there is one of the configured data set. */
    boolean restore() throws IOException {
        if (!Files.exists(copy) || !Files.exists(key)
                || !Files.readString(key, StandardCharsets.UTF_8).equals(DATA_SETS)) {
            return false;
        }
        Files.createDirectories(live.getParent());
        Files.copy(copy, live, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** Keeps a copy of the live file as the pristine one. */
    void save() throws IOException {
        Files.createDirectories(copy.getParent());
        Files.deleteIfExists(key);
        Files.copy(live, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(key, DATA_SETS, StandardCharsets.UTF_8);
    }

    /** Deletes the live database file, so that the next connection creates an empty one. */
    void deleteLive() throws IOException {
        Files.deleteIfExists(live);
    }

    /** Forgets the pristine copy (before a reload). */
    void discard() throws IOException {
        Files.deleteIfExists(key);
        Files.deleteIfExists(copy);
    }
}
