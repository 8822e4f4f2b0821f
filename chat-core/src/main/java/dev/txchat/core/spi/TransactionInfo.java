package dev.txchat.core.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the host's ledger says about a transaction. Immutable.
 *
 * @param transactionId the transaction
 * @param walletOwners  the business users whose wallets participate in it
 * @param details       context shown to staff on the ticket (amount, currency, status…);
 *                      must not hold card numbers or other sensitive data
 */
public record TransactionInfo(String transactionId, Set<WalletOwner> walletOwners, Map<String, String> details) {
    public TransactionInfo {
        Objects.requireNonNull(transactionId, "transactionId");
        walletOwners = walletOwners == null ? Set.of() : Set.copyOf(walletOwners);
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
