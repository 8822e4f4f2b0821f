package dev.txchat.testkit;

import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TransactionDirectory} that knows the transactions a test registers. Thread-safe.
 *
 * <pre>{@code
 * var directory = new FakeTransactionDirectory()
 *     .register("tx-1", Map.of("amount", "10.00 EUR"), new WalletOwner("u1", "org-1"));
 * }</pre>
 */
public final class FakeTransactionDirectory implements TransactionDirectory {

    private final Map<String, TransactionInfo> transactions = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    /** Registers (or replaces) a transaction with the given details and wallet owners; returns this. */
    public FakeTransactionDirectory register(String transactionId, Map<String, String> details,
                                             WalletOwner... walletOwners) {
        transactions.put(transactionId, new TransactionInfo(transactionId, Set.of(walletOwners), details));
        return this;
    }

    /** Registers a transaction with no details; returns this. */
    public FakeTransactionDirectory register(String transactionId, WalletOwner... walletOwners) {
        return register(transactionId, Map.of(), walletOwners);
    }

    /** Forgets a transaction. */
    public void remove(String transactionId) {
        transactions.remove(transactionId);
    }

    /** How many times {@link #find} was called. */
    public int lookups() {
        return lookups.get();
    }

    @Override
    public Optional<TransactionInfo> find(String transactionId) {
        lookups.incrementAndGet();
        return Optional.ofNullable(transactions.get(transactionId));
    }
}
