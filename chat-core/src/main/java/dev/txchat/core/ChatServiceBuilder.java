package dev.txchat.core;

import dev.txchat.core.internal.DefaultChatService;
import dev.txchat.core.internal.FeedOptions;
import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.core.spi.ChatEventListener;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ContentPolicy;
import dev.txchat.core.spi.TransactionDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures a {@link ChatService}. Obtain one from {@link ChatService#builder()}. Every
 * setter returns this builder. Not thread-safe; the service it builds is.
 *
 * <p>Defaults: {@link AccessPolicy#permissionBased()}, {@link ContentPolicy#defaults()},
 * {@link Clock#systemUTC()}, no listeners, {@link #DEFAULT_LISTENER_TIMEOUT}, a cursor key kept in the store's database, and a transaction directory that knows no
 * transaction (so transaction chats fail with {@link NotFoundException} until one is set).
 */
public final class ChatServiceBuilder {

    /** How long a call waits, at most, for listeners to take its events: one second. */
    public static final Duration DEFAULT_LISTENER_TIMEOUT = Duration.ofSeconds(1);

    private ChatStore store;
    private TransactionDirectory transactionDirectory = transactionId -> java.util.Optional.empty();
    private AccessPolicy accessPolicy = AccessPolicy.permissionBased();
    private ContentPolicy contentPolicy = ContentPolicy.defaults();
    private Clock clock = Clock.systemUTC();
    private final List<ChatEventListener> listeners = new ArrayList<>();
    private Duration listenerTimeout = DEFAULT_LISTENER_TIMEOUT;
    private byte[] cursorSecret;
    private Duration feedRetention = DEFAULT_FEED_RETENTION;
    private Duration feedPollInterval = DEFAULT_FEED_POLL_INTERVAL;
    private Duration feedLease = DEFAULT_FEED_LEASE;
    private Duration feedMaxRetryBackoff = DEFAULT_FEED_MAX_RETRY_BACKOFF;
    private CompliancePolicy compliance = CompliancePolicy.standard();

    /** How long change-feed entries are kept once every subscription has passed them: 7 days. */
    public static final Duration DEFAULT_FEED_RETENTION = Duration.ofDays(7);
    /** How often an idle subscription polls when the store cannot wake it: 250 ms. */
    public static final Duration DEFAULT_FEED_POLL_INTERVAL = Duration.ofMillis(250);
    /** How long a subscription's lease lasts unrenewed before another node takes over: 30 s. */
    public static final Duration DEFAULT_FEED_LEASE = Duration.ofSeconds(30);
    /** Longest pause between retries of a failing subscription handler: 30 s. */
    public static final Duration DEFAULT_FEED_MAX_RETRY_BACKOFF = Duration.ofSeconds(30);

    private ChatServiceBuilder() {
    }

    static ChatServiceBuilder create() {
        return new ChatServiceBuilder();
    }

    /** The persistence store. Required. */
    public ChatServiceBuilder store(ChatStore store) {
        this.store = Objects.requireNonNull(store, "store");
        return this;
    }

    /** The host's ledger lookup; required for transaction chats. */
    public ChatServiceBuilder transactionDirectory(TransactionDirectory transactionDirectory) {
        this.transactionDirectory = Objects.requireNonNull(transactionDirectory, "transactionDirectory");
        return this;
    }

    /** Who may do what; default {@link AccessPolicy#permissionBased()}. */
    public ChatServiceBuilder accessPolicy(AccessPolicy accessPolicy) {
        this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
        return this;
    }

    /** What may be stored in a message; default {@link ContentPolicy#defaults()}. */
    public ChatServiceBuilder contentPolicy(ContentPolicy contentPolicy) {
        this.contentPolicy = Objects.requireNonNull(contentPolicy, "contentPolicy");
        return this;
    }

    /** The time source; default {@link Clock#systemUTC()}. Times are kept to the microsecond. */
    public ChatServiceBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Adds a listener called after each committed change; may be called several times. */
    public ChatServiceBuilder listener(ChatEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * How long a call waits, at most, for the listeners to handle its events; default
     * {@link #DEFAULT_LISTENER_TIMEOUT}. Events are delivered in commit order on one
     * background thread per service; past this bound the call returns and delivery goes on,
     * so a slow listener never holds a chat call longer than this. Zero: never wait.
     */
    public ChatServiceBuilder listenerTimeout(Duration listenerTimeout) {
        Objects.requireNonNull(listenerTimeout, "listenerTimeout");
        if (listenerTimeout.isNegative()) {
            throw new IllegalArgumentException("listenerTimeout must not be negative: " + listenerTimeout);
        }
        this.listenerTimeout = listenerTimeout;
        return this;
    }

    /**
     * The key that signs page cursors, at least 16 bytes (32 random bytes recommended);
     * every node of one deployment must use the same. Optional: by default the store
     * generates one on first use and keeps it in the database, so every node finds the
     * same. Set one to rotate it (cursors signed with the old key are then rejected as a
     * {@link ValidationException} on {@code after}/{@code before}) or to keep it in a
     * secret manager. The array is copied.
     *
     * @throws IllegalArgumentException if shorter than 16 bytes
     */
    public ChatServiceBuilder cursorSecret(byte[] cursorSecret) {
        Objects.requireNonNull(cursorSecret, "cursorSecret");
        if (cursorSecret.length < MIN_CURSOR_SECRET_BYTES) {
            throw new IllegalArgumentException("cursorSecret must have at least " + MIN_CURSOR_SECRET_BYTES
                    + " bytes, got " + cursorSecret.length);
        }
        this.cursorSecret = cursorSecret.clone();
        return this;
    }

    /** Shortest {@link #cursorSecret(byte[])} accepted: 16 bytes (128 bits). */
    public static final int MIN_CURSOR_SECRET_BYTES = 16;

    /**
     * How long {@link ChatFeed} entries are kept; default {@link #DEFAULT_FEED_RETENTION}.
     * An entry is pruned only when it is older than this and every named subscription has
     * passed it.
     */
    public ChatServiceBuilder feedRetention(Duration retention) {
        this.feedRetention = positive(retention, "feedRetention");
        return this;
    }

    /**
     * How often an idle subscription looks for new entries; default
     * {@link #DEFAULT_FEED_POLL_INTERVAL}. On PostgreSQL subscriptions are also woken by
     * {@code NOTIFY} within milliseconds, so this is only the fallback there.
     */
    public ChatServiceBuilder feedPollInterval(Duration pollInterval) {
        this.feedPollInterval = positive(pollInterval, "feedPollInterval");
        return this;
    }

    /**
     * How long a subscription's lease lasts without renewal; default
     * {@link #DEFAULT_FEED_LEASE}. A node renews it every third of this while it runs; when a
     * node dies, another node with the same subscription name takes over after this long.
     */
    public ChatServiceBuilder feedLease(Duration lease) {
        this.feedLease = positive(lease, "feedLease");
        return this;
    }

    /**
     * Longest pause between retries of a subscription handler that keeps throwing; default
     * {@link #DEFAULT_FEED_MAX_RETRY_BACKOFF}. Pauses start at 100 ms and double.
     */
    public ChatServiceBuilder feedMaxRetryBackoff(Duration maxBackoff) {
        this.feedMaxRetryBackoff = positive(maxBackoff, "feedMaxRetryBackoff");
        return this;
    }

    /**
     * Edit window, retention and regulated mode; default {@link CompliancePolicy#standard()}.
     * A {@link CompliancePolicy#regulated(Duration) regulated} policy needs a store whose
     * {@link ChatStore#supportsRegulatedMode()} is true.
     */
    public ChatServiceBuilder compliance(CompliancePolicy compliance) {
        this.compliance = Objects.requireNonNull(compliance, "compliance");
        return this;
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
        return value;
    }

    /**
     * A new service with this configuration.
     *
     * @throws IllegalStateException if no store was set, or the policy is regulated and the store does not support it
     */
    public ChatService build() {
        if (store == null) {
            throw new IllegalStateException("ChatService.builder(): store(...) is required");
        }
        if (compliance.regulated() && !store.supportsRegulatedMode()) {
            throw new IllegalStateException("ChatService.builder(): compliance(" + compliance + ") needs a store that"
                    + " supports regulated mode, and " + store.getClass().getName() + " does not"
                    + " (ChatStore.supportsRegulatedMode() is false)");
        }
        return new DefaultChatService(store, transactionDirectory, accessPolicy, contentPolicy, clock,
                List.copyOf(listeners), listenerTimeout, cursorSecret, compliance,
                new FeedOptions(feedRetention, feedPollInterval, feedLease, feedMaxRetryBackoff,
                        feedPollInterval.multipliedBy(240).compareTo(Duration.ofMinutes(1)) > 0
                                ? feedPollInterval.multipliedBy(240) : Duration.ofMinutes(1)));
    }
}
