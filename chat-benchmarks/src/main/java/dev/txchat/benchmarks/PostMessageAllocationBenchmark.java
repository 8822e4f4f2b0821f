package dev.txchat.benchmarks;

import dev.txchat.core.Conversation;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantMessage;
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
 * {@code postMessage} into a conversation with a short history (10 messages when the trial
 * starts) and into the one with a million, single-threaded. Run with {@code -prof gc}: the
 * bytes allocated per operation ({@code gc.alloc.rate.norm}) must not grow with history,
 * because the aggregate never loads messages to add one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PostMessageAllocationBenchmark {

    @State(Scope.Benchmark)
    public static class Short {
        Conversation conversation;

        @Setup(Level.Trial)
        public void create(DbState s) {
            conversation = s.env.newConversation("bench-bu-alloc");
            s.env.post(conversation, 10);
        }
    }

    @Benchmark
    public ParticipantMessage txchatHistory10(DbState s, Short c) {
        return s.env.chat.postMessage(s.env.staff, c.conversation.id(), NewMessage.of(Env.BODY));
    }

    @Benchmark
    public ParticipantMessage txchatHistory1M(DbState s) {
        return s.env.chat.postMessage(s.env.staff, BenchData.DEEP_CONVERSATION, NewMessage.of(Env.BODY));
    }
}
