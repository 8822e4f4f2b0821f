package dev.txchat.benchmarks;

import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.TransactionChat;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code openTransactionChat} by a staff user: on an existing chat (the append path) and on
 * a new transaction each time (ticket, conversation, participants, first message), beside
 * the raw-JDBC equivalents.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OpenTransactionChatBenchmark {
    static final ParticipantRef BUSINESS_USER = ParticipantRef.businessUser(Env.TX_BUSINESS_USER, Env.TX_ORGANIZATION);

    /** A chat opened once per trial, then reopened by every invocation. */
    @State(Scope.Thread)
    public static class Existing {
        String txchatTransaction;
        String baselineTransaction;

        @Setup(Level.Trial)
        public void open(DbState s) throws SQLException {
            txchatTransaction = s.env.openNewTransactionChat().ticket().transactionId();
            baselineTransaction = Env.newTransactionId();
            s.env.raw.openNew(baselineTransaction, BenchData.STAFF_USER, Env.TX_BUSINESS_USER, Env.TX_ORGANIZATION,
                    BenchData.TICKET_DETAILS, Env.BODY);
        }
    }

    @Benchmark
    public TransactionChat txchatExisting(DbState s, Existing e) {
        return s.env.chat.openTransactionChat(s.env.staff,
                new OpenTransactionChat(e.txchatTransaction, BUSINESS_USER, NewMessage.of(Env.BODY)));
    }

    @Benchmark
    public TransactionChat txchatNew(DbState s) {
        return s.env.chat.openTransactionChat(s.env.staff,
                new OpenTransactionChat(Env.newTransactionId(), BUSINESS_USER, NewMessage.of(Env.BODY)));
    }

    @Benchmark
    public long baselineExisting(DbState s, Existing e) throws SQLException {
        return s.env.raw.openExisting(e.baselineTransaction, BenchData.STAFF_USER, Env.TX_BUSINESS_USER, Env.BODY);
    }

    @Benchmark
    public String baselineNew(DbState s) throws SQLException {
        return s.env.raw.openNew(Env.newTransactionId(), BenchData.STAFF_USER, Env.TX_BUSINESS_USER,
                Env.TX_ORGANIZATION, BenchData.TICKET_DETAILS, Env.BODY);
    }
}
