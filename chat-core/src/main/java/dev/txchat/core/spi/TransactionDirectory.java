package dev.txchat.core.spi;

import java.util.Optional;

/**
 * The host's ledger lookup, used when staff open a transaction chat. Implementations must
 * be thread-safe. It is called outside any chat database transaction.
 */
@FunctionalInterface
public interface TransactionDirectory {

    /** The transaction, or empty if the ledger does not know it. */
    Optional<TransactionInfo> find(String transactionId);
}
