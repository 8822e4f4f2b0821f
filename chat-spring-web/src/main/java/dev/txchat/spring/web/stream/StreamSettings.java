package dev.txchat.spring.web.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the event stream ({@code txchat.web.stream.*}). Immutable.
 *
 * @param pollInterval   how often the shared poller reads the feed when it is idle
 *                       ({@code poll-interval}, default 100 ms)
 * @param heartbeat      how often an idle connection receives a comment line
 *                       ({@code heartbeat}, default 15 s)
 * @param bufferSize     events one connection may have waiting to be written; a connection
 *                       that falls further behind is completed ({@code buffer-size}, default 1,000)
 * @param timeout        how long one connection lasts before the server completes it (the
 *                       client reconnects with {@code Last-Event-ID}); zero or negative: no
 *                       limit ({@code timeout}, default 30 min)
 * @param startupTimeout how long a request waits for the poller to reach the head of the
 *                       feed after the application started (then 503)
 */
public record StreamSettings(Duration pollInterval, Duration heartbeat, int bufferSize, Duration timeout,
                             Duration startupTimeout) {

    /** The defaults. */
    public static final StreamSettings DEFAULTS = new StreamSettings(Duration.ofMillis(100), Duration.ofSeconds(15),
            1000, Duration.ofMinutes(30), Duration.ofSeconds(30));

    /** Checks the values. */
    public StreamSettings {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (pollInterval.isNegative() || pollInterval.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("txchat.web.stream: poll-interval and heartbeat must be positive");
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("txchat.web.stream.buffer-size must be at least 1");
        }
    }
}
