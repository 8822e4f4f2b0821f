package dev.txchat.jdbi.internal;

import java.time.Instant;

/**
 * Instants are stored as BIGINT microseconds since the epoch: exact to the microsecond,
 * the same on every database, and untouched by session or JVM time zones.
 */
public final class Times {
    private Times() {
    }

    public static long toMicros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    }

    public static Long toMicrosOrNull(Instant instant) {
        return instant == null ? null : toMicros(instant);
    }

    public static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
