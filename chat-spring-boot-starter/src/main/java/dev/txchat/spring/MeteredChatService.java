package dev.txchat.spring;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatFeed;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationView;
import dev.txchat.core.FeedBatch;
import dev.txchat.core.FeedHandler;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.FeedSubscription;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.ValidationException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link ChatService} that times every call of another one with Micrometer and otherwise
 * changes nothing: same results, same exceptions.
 *
 * <p>One timer, {@value #METRIC}, tagged
 * <ul>
 *   <li>{@code call}: the method name ({@code postMessage}, {@code openTransactionChat},
 *       {@code listMessages}, …, {@code feed}, {@code close}), and for the feed's own calls
 *       {@code feed.read} and {@code feed.subscribe};</li>
 *   <li>{@code outcome}: {@code success}, or by the exception thrown {@code validation}
 *       ({@link ValidationException}), {@code not_found} ({@link NotFoundException}),
 *       {@code access_denied} ({@link AccessDeniedException}), {@code conflict}
 *       ({@link ConflictException}), {@code error} (anything else: a database failure, a call
 *       after {@code close()}…).</li>
 * </ul>
 * A timer's count is the number of calls, so it doubles as the call counter. Timers are
 * registered on first use of each (call, outcome) pair.
 *
 * <p>The starter registers one as the primary {@code ChatService} bean around its own
 * service when a {@link MeterRegistry} bean exists. A host that builds its own service can
 * wrap it the same way: {@code new MeteredChatService(service, registry)}.
 *
 * <p>Thread-safe when the delegate is (every txchat service is). {@link #close()} closes the
 * delegate.
 */
public final class MeteredChatService implements ChatService {

    /** The timer's name. */
    public static final String METRIC = "txchat.calls";

    private final ChatService delegate;
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ChatFeed feed;

    /**
     * @param delegate the service whose calls are timed
     * @param registry where the timers are registered
     */
    public MeteredChatService(ChatService delegate, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.feed = new MeteredFeed();
    }

    /** @return the service whose calls this one times */
    public ChatService delegate() {
        return delegate;
    }

    /**
     * The {@code outcome} tag of a call that threw {@code failure}.
     *
     * @param failure what the call threw
     * @return {@code validation}, {@code not_found}, {@code access_denied}, {@code conflict} or {@code error}
     */
    public static String outcome(Throwable failure) {
        if (failure instanceof ValidationException) {
            return "validation";
        }
        if (failure instanceof NotFoundException) {
            return "not_found";
        }
        if (failure instanceof AccessDeniedException) {
            return "access_denied";
        }
        if (failure instanceof ConflictException) {
            return "conflict";
        }
        return "error";
    }

    private <T> T timed(String call, Supplier<T> work) {
        long start = registry.config().clock().monotonicTime();
        String outcome = "error";
        try {
            T result = work.get();
            outcome = "success";
            return result;
        } catch (RuntimeException | Error e) {
            outcome = outcome(e);
            throw e;
        } finally {
            timer(call, outcome).record(registry.config().clock().monotonicTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void timedRun(String call, Runnable work) {
        timed(call, () -> {
            work.run();
            return null;
        });
    }

    private Timer timer(String call, String outcome) {
        return timers.computeIfAbsent(call + ' ' + outcome, key -> Timer.builder(METRIC)
                .description("txchat ChatService calls: duration and count by call and outcome")
                .tag("call", call)
                .tag("outcome", outcome)
                .register(registry));
    }

    @Override
    public Conversation startConversation(Actor actor, StartConversation request) {
        return timed("startConversation", () -> delegate.startConversation(actor, request));
    }

    @Override
    public TransactionChat openTransactionChat(Actor actor, OpenTransactionChat request) {
        return timed("openTransactionChat", () -> delegate.openTransactionChat(actor, request));
    }

    @Override
    public Conversation accountThread(Actor actor, String organizationId) {
        return timed("accountThread", () -> delegate.accountThread(actor, organizationId));
    }

    @Override
    public ConversationView getConversation(Actor actor, ConversationId id) {
        return timed("getConversation", () -> delegate.getConversation(actor, id));
    }

    @Override
    public Page<ConversationView> listConversations(Actor actor, ConversationFilter filter, PageRequest page) {
        return timed("listConversations", () -> delegate.listConversations(actor, filter, page));
    }

    @Override
    public void deleteConversation(Actor actor, ConversationId id) {
        timedRun("deleteConversation", () -> delegate.deleteConversation(actor, id));
    }

    @Override
    public Participant addParticipant(Actor actor, ConversationId id, ParticipantRef who) {
        return timed("addParticipant", () -> delegate.addParticipant(actor, id, who));
    }

    @Override
    public void removeParticipant(Actor actor, ConversationId id, ParticipantId participant) {
        timedRun("removeParticipant", () -> delegate.removeParticipant(actor, id, participant));
    }

    @Override
    public ParticipantMessage postMessage(Actor actor, ConversationId id, NewMessage message) {
        return timed("postMessage", () -> delegate.postMessage(actor, id, message));
    }

    @Override
    public Page<ParticipantMessage> listMessages(Actor actor, ConversationId id, PageRequest page) {
        return timed("listMessages", () -> delegate.listMessages(actor, id, page));
    }

    @Override
    public ReadReceipt markRead(Actor actor, ConversationId id, ParticipantType sentBy) {
        return timed("markRead", () -> delegate.markRead(actor, id, sentBy));
    }

    @Override
    public ParticipantMessage editMessage(Actor actor, ConversationId id, dev.txchat.core.MessageId messageId,
                                          String body) {
        return timed("editMessage", () -> delegate.editMessage(actor, id, messageId, body));
    }

    @Override
    public ParticipantMessage redactMessage(Actor actor, ConversationId id, dev.txchat.core.MessageId messageId,
                                            String reason) {
        return timed("redactMessage", () -> delegate.redactMessage(actor, id, messageId, reason));
    }

    @Override
    public java.util.List<dev.txchat.core.MessageVersion> messageHistory(Actor actor, ConversationId id,
                                                                        dev.txchat.core.MessageId messageId) {
        return timed("messageHistory", () -> delegate.messageHistory(actor, id, messageId));
    }

    @Override
    public dev.txchat.core.AuditVerification verifyAudit(Actor actor, ConversationId id) {
        return timed("verifyAudit", () -> delegate.verifyAudit(actor, id));
    }

    @Override
    public void placeLegalHold(Actor actor, ConversationId id, String reason) {
        timedRun("placeLegalHold", () -> delegate.placeLegalHold(actor, id, reason));
    }

    @Override
    public void releaseLegalHold(Actor actor, ConversationId id, String reason) {
        timedRun("releaseLegalHold", () -> delegate.releaseLegalHold(actor, id, reason));
    }

    @Override
    public dev.txchat.core.PurgeResult purgeExpired(Actor actor) {
        return timed("purgeExpired", () -> delegate.purgeExpired(actor));
    }

    @Override
    public void exportConversation(Actor actor, ConversationId id, java.io.OutputStream out) {
        timedRun("exportConversation", () -> delegate.exportConversation(actor, id, out));
    }

    @Override
    public void restrictProcessing(Actor actor, String userId) {
        timedRun("restrictProcessing", () -> delegate.restrictProcessing(actor, userId));
    }

    @Override
    public TransactionTicket ticket(Actor actor, String transactionId) {
        return timed("ticket", () -> delegate.ticket(actor, transactionId));
    }

    /**
     * The delegate's feed, with {@code read} and {@code subscribe} timed as {@code feed.read} and
     * {@code feed.subscribe}.
     */
    @Override
    public ChatFeed feed() {
        return timed("feed", () -> {
            delegate.feed(); // fails as the delegate does, e.g. after close()
            return feed;
        });
    }

    @Override
    public void close() {
        timedRun("close", delegate::close);
    }

    @Override
    public String toString() {
        return "MeteredChatService[" + delegate + "]";
    }

    /** Looks the delegate's feed up per call, so that it behaves exactly as the delegate's does. */
    private final class MeteredFeed implements ChatFeed {
        @Override
        public FeedBatch read(FeedPosition after, int max) {
            return timed("feed.read", () -> delegate.feed().read(after, max));
        }

        @Override
        public FeedSubscription subscribe(String name, FeedHandler handler) {
            return timed("feed.subscribe", () -> delegate.feed().subscribe(name, handler));
        }
    }
}
