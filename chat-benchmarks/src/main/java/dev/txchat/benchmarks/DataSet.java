package dev.txchat.benchmarks;

import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * One loaded data set, in tables of its own prefix: {@link #LARGE} ({@code bench_}, 100,000
 * conversations and the conversation with 1,000,000 messages) and {@link #SMALL}
 * ({@code bsmall_}, 1,000 conversations, no deep conversation). Both are laid out alike (see
 * {@link BenchData}), so a list over the small one and the same list over the large one differ
 * only in how many rows the tables hold. Immutable.
 *
 * @param name          {@code small} or {@code large}, the {@code @Param} value of the lists
 * @param prefix        table prefix
 * @param conversations the wide list's conversations
 * @param deepMessages  messages of the deep conversation, 0 for none
 */
public record DataSet(String name, String prefix, int conversations, int deepMessages) {
    /** Property {@code txchat.bench.conversations} and {@code txchat.bench.deepMessages}. */
    public static final DataSet LARGE = new DataSet("large", BenchData.PREFIX,
            Integer.getInteger("txchat.bench.conversations", 100_000),
            Integer.getInteger("txchat.bench.deepMessages", 1_000_000));
    /** Property {@code txchat.bench.smallConversations}. */
    public static final DataSet SMALL = new DataSet("small", "bsmall_",
            Integer.getInteger("txchat.bench.smallConversations", 1_000), 0);

    /** The data set a {@code @Param} value names. */
    public static DataSet of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "small" -> SMALL;
            case "large" -> LARGE;
            default -> throw new IllegalArgumentException("no data set " + name);
        };
    }

    public boolean hasDeepConversation() {
        return deepMessages > 0;
    }

    /** Names the loaded layout and sizes; a marker row keeps it so a change reloads. */
    public String key() {
        return "loaded:v2:" + deepMessages + ":" + conversations;
    }

    /** Every live conversation: what a staff user's unfiltered list counts. */
    public long expectedAll() {
        return count(g -> true) + (hasDeepConversation() ? 1 : 0);
    }

    /** The transaction chats: what a staff list filtered by kind TRANSACTION counts. */
    public long expectedTransactions() {
        return count(BenchData::isTransaction);
    }

    /** The conversations of business user/organization number {@code k}. */
    public long expectedOfBusiness(int k) {
        return count(g -> g % BenchData.BUSINESS_USERS == k);
    }

    private long count(IntPredicate loaded) {
        long n = 0;
        for (int g = 1; g <= conversations; g++) {
            if (loaded.test(g)) {
                n++;
            }
        }
        return n;
    }
}
