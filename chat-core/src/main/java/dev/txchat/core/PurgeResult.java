package dev.txchat.core;

/**
 * What one {@link ChatService#purgeExpired(Actor)} call removed. Immutable.
 *
 * @param conversations       conversations that lost messages or audit entries
 * @param messagesPurged      messages removed, with all their versions
 * @param auditEntriesPurged  audit entries removed (each conversation's chain then starts at a checkpoint entry)
 * @param usersPseudonymised  users whose restricted data was pseudonymised
 * @param more                whether the call stopped at its batch bound with work left: call again
 */
public record PurgeResult(int conversations, long messagesPurged, long auditEntriesPurged, int usersPseudonymised,
                          boolean more) {
}
