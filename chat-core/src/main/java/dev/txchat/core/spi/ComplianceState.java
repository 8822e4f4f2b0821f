package dev.txchat.core.spi;

/**
 * A conversation's regulated-mode state as of the read or lock that returned it: the head of
 * its audit chain and its legal hold. Immutable.
 *
 * @param auditSequence the sequence of the newest audit entry appended to the conversation (0 if none).
 *                      A store records it with the conversation when it appends (it is not the
 *                      highest sequence found among the stored entries): verification compares the
 *                      chain's end with it, which is how removing the newest entries is detected
 * @param auditHash     that entry's hash ({@link #GENESIS_HASH} if none); after a purge removed every
 *                      entry, the hash of the last entry removed is not needed: the core always
 *                      leaves the purge's checkpoint entry, so the chain is never emptied
 * @param legalHold     the active legal hold, or null
 */
public record ComplianceState(long auditSequence, String auditHash, LegalHold legalHold) {

    /** The {@code previousHash} of a chain's first entry: 64 zeros. */
    public static final String GENESIS_HASH = "0".repeat(64);

    /** A conversation with no audit entry and no hold. */
    public static final ComplianceState NONE = new ComplianceState(0, GENESIS_HASH, null);

    public ComplianceState {
        java.util.Objects.requireNonNull(auditHash, "auditHash");
        if (auditSequence < 0) {
            throw new IllegalArgumentException("auditSequence must not be negative: " + auditSequence);
        }
    }

    /** Whether a legal hold is active. */
    public boolean onHold() {
        return legalHold != null;
    }
}
