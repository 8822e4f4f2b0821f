package dev.txchat.core.spi;

/**
 * What {@link ChatStoreTransaction#purgeMessages} removed.
 *
 * @param count           how many messages it removed (with their versions)
 * @param highestSequence the highest sequence among them, 0 if none
 */
public record PurgedMessages(int count, long highestSequence) {
    /** Nothing removed. */
    public static final PurgedMessages NONE = new PurgedMessages(0, 0);
}
