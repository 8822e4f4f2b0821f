package dev.txchat.benchmarks;

import dev.txchat.benchmarks.Poster.Side;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The statement-counting pass: each hot path, txchat and its raw baseline, a few times
 * through a {@link StatementCounter} on the large data set, outside any measurement. It
 * writes a few conversations; the runner trims them before measuring.
 */
final class CountingPass {
    private static final int OPS = 10;

    /** Statements and commits per operation of one hot path, txchat and baseline. */
    record Counts(String path, int allowance, double txchat, double baseline, double txchatCommits,
                  double baselineCommits, List<String> txchatSql, List<String> baselineSql) {
        /** The target: txchat runs at most {@code allowance} statements more than the baseline. */
        boolean met() {
            return txchat <= baseline + allowance;
        }
    }

    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    private final StatementCounter counter = new StatementCounter();
    private final List<Counts> result = new ArrayList<>();

    private CountingPass() {
    }

    static List<Counts> run(BenchDatabase db) throws Exception {
        return new CountingPass().count(db);
    }

    private List<Counts> count(BenchDatabase db) throws Exception {
        try (Env env = Env.open(db, DataSet.LARGE, counter::wrap)) {
            RawJdbc raw = env.raw;
            Poster txchatPost = Side.TXCHAT.create(env, "bench-bu-count");
            Poster rawPost = Side.RAW.create(env, "bench-bu-count");
            add("postMessage", 1, txchatPost::post, rawPost::post);
            Poster regulatedPost = Side.REGULATED.create(env, "bench-bu-count");
            add("postMessage in regulated mode (baseline: txchat, mode off)", 1, regulatedPost::post, txchatPost::post);

            Page<ParticipantMessage> tail = env.chat.listMessages(env.staff, BenchData.DEEP_CONVERSATION,
                    PageRequest.last(100));
            String cursor = tail.pageInfo().startCursor();
            long after = tail.nodes().get(0).sequence();
            add("listMessages (depth 1M)", 1,
                    () -> env.chat.listMessages(env.staff, BenchData.DEEP_CONVERSATION, PageRequest.first(50, cursor)),
                    () -> raw.listMessages(BenchData.DEEP_CONVERSATION.toString(), after, 51));

            add("listConversations (" + ListCase.STAFF.label() + ")", 1, () -> ListCase.STAFF.firstPage(env),
                    () -> raw.listConversations(RawJdbc.Scope.STAFF, ListCase.PAGE + 1));
            add("listConversations (" + ListCase.BUSINESS.label() + ")", 1, () -> ListCase.BUSINESS.firstPage(env),
                    () -> raw.listConversations(ListCase.BUSINESS_SCOPE, ListCase.PAGE + 1));

            String txchatTransaction = env.openNewTransactionChat().ticket().transactionId();
            String baselineTransaction = Env.newTransactionId();
            raw.openNew(baselineTransaction, BenchData.STAFF_USER, Env.TX_BUSINESS_USER, Env.TX_ORGANIZATION,
                    BenchData.TICKET_DETAILS, Env.BODY);
            add("openTransactionChat (existing)", 1,
                    () -> env.chat.openTransactionChat(env.staff, new OpenTransactionChat(txchatTransaction,
                            OpenTransactionChatBenchmark.BUSINESS_USER, NewMessage.of(Env.BODY))),
                    () -> raw.openExisting(baselineTransaction, BenchData.STAFF_USER, Env.TX_BUSINESS_USER, Env.BODY));
            add("openTransactionChat (new)", 2,
                    () -> env.chat.openTransactionChat(env.staff, new OpenTransactionChat(Env.newTransactionId(),
                            OpenTransactionChatBenchmark.BUSINESS_USER, NewMessage.of(Env.BODY))),
                    () -> raw.openNew(Env.newTransactionId(), BenchData.STAFF_USER, Env.TX_BUSINESS_USER,
                            Env.TX_ORGANIZATION, BenchData.TICKET_DETAILS, Env.BODY));
        }
        return result;
    }

    private void add(String path, int allowance, Op txchat, Op baseline) {
        double[] t = measure(txchat);
        List<String> tSql = counter.log();
        double[] b = measure(baseline);
        List<String> bSql = counter.log();
        result.add(new Counts(path, allowance, t[0], b[0], t[1], b[1], tSql, bSql));
    }

    /**
     * Statements and commits per op, averaged over {@link #OPS} after one uncounted op; the
     * log holds the last op's statements. The uncounted op is the warm-up both sides get
     * alike: txchat's first call on a conversation this node has not seen reads its
     * participants once (the participants cache, see the store's {@code ParticipantsCache}),
     * which the steady state of a busy conversation does not pay; counted, it showed as a
     * tenth of a statement on every path that touches one conversation repeatedly.
     */
    private double[] measure(Op op) {
        try {
            op.run();
            long statements = 0;
            long commits = 0;
            for (int i = 0; i < OPS; i++) {
                counter.reset(true);
                op.run();
                statements += counter.statements();
                commits += counter.commits();
            }
            return new double[] {(double) statements / OPS, (double) commits / OPS};
        } catch (Exception e) {
            throw new IllegalStateException("counting pass failed: " + e, e);
        }
    }
}
