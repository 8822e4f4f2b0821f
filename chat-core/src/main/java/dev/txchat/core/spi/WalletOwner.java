package dev.txchat.core.spi;

/**
 * A business user whose wallet participates in a transaction.
 *
 * @param userId         the user
 * @param organizationId the user's organization, or null
 */
public record WalletOwner(String userId, String organizationId) {
}
