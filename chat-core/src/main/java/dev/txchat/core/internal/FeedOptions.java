package dev.txchat.core.internal;

import java.time.Duration;

/**
 * How the change feed behaves; set through {@code ChatServiceBuilder}. Not public API.
 *
 * @param retention     entries older than this are pruned once every subscription passed them
 * @param pollInterval  how often an idle subscription looks for new entries when the store cannot wake it
 * @param lease         how long a subscription's lease lasts without renewal (a dead node's
 *                      subscription moves to another node after this)
 * @param maxBackoff    longest pause between retries of a failing handler
 * @param pruneInterval how often, at most, one service prunes
 */
public record FeedOptions(Duration retention, Duration pollInterval, Duration lease, Duration maxBackoff,
                          Duration pruneInterval) {
}
