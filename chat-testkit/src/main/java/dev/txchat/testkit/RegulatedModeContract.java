package dev.txchat.testkit;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;

/**
 * Regulated mode (issue 13) and message edits and redactions, driven through the
 * {@link ChatService} facade, for every store whose {@link ChatStore#supportsRegulatedMode()}
 * is true: edit window and authorship, tombstones participants see against the records kept,
 * the audit chain and every way of tampering with it behind the library's back, minimum
 * retention against delete, legal hold against purge, purge batches, the export document,
 * and processing restriction.
 *
 * <p>Extend it, return the store under test from {@link #createStore()}, and implement the
 * tamper hooks with the store's own raw access (an in-memory store edits its maps, a SQL
 * store runs a plain {@code UPDATE} or {@code DELETE} that bypasses txchat):
 *
 * <pre>{@code
 * class MyRegulatedModeTest extends RegulatedModeContract {
 *     protected ChatStore createStore() { return store; }
 *     protected void tamperMessageBody(ConversationId c, MessageId m, String body) { ... }
 *     ...
 * }
 * }</pre>
 *
 * <p>The store may sit on a shared database that already holds other data: every test uses
 * fresh random ids. The clock is a {@link MutableClock} the tests move.
 */
public abstract class RegulatedModeContract {

    /** The minimum retention of the regulated services under test. */
    protected static final Duration MINIMUM_RETENTION = Duration.ofDays(365);
    /** Their maximum retention. */
    protected static final Duration MAXIMUM_RETENTION = Duration.ofDays(2 * 365);
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(60);

    /** The store under test, from {@link #createStore()} before each test. */
    protected ChatStore store;
    protected FakeTransactionDirectory directory;
    protected MutableClock clock;
    /** Every event the regulated service delivered, in order. */
    protected List<ChatEvent> events;
    /** A service in regulated mode with {@link #MINIMUM_RETENTION} and {@link #MAXIMUM_RETENTION}. */
    protected ChatService regulated;
    /** A service on the same store with the standard policy (not regulated). */
    protected ChatService standard;
    /** A staff user holding every permission; a new user id for each test. */
    protected Actor admin;

    /** The store to test; called before each test. It may be shared and already hold data. */
    protected abstract ChatStore createStore();

    /** Overwrites the stored current body of a message, bypassing txchat (a SQL {@code UPDATE}). */
    protected abstract void tamperMessageBody(ConversationId conversation, MessageId message, String body);

    /**
     * Overwrites the stored body of a superseded version (number as in
     * {@link dev.txchat.core.MessageVersion#number()}), bypassing txchat.
     */
    protected abstract void tamperMessageVersion(ConversationId conversation, MessageId message, int number,
                                                 String body);

    /** Overwrites the stored canonical text ({@code entry}) of an audit entry, leaving its hashes. */
    protected abstract void tamperAuditEntry(ConversationId conversation, long sequence, String entry);

    /** Deletes an audit entry, bypassing txchat. */
    protected abstract void deleteAuditEntry(ConversationId conversation, long sequence);

    @BeforeEach
    void setUpServices() {
        store = createStore();
        directory = new FakeTransactionDirectory();
        clock = MutableClock.startingAtEpochDay();
        events = new CopyOnWriteArrayList<>();
        regulated = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .clock(clock)
                .listener(events::add)
                .listenerTimeout(LISTENER_TIMEOUT)
                .compliance(CompliancePolicy.regulated(MINIMUM_RETENTION).withMaximumRetention(MAXIMUM_RETENTION))
                .build();
        standard = ChatService.builder()
                .store(store)
                .transactionDirectory(directory)
                .clock(clock)
                .listenerTimeout(LISTENER_TIMEOUT)
                .build();
        admin = Actor.service(uid("admin"), ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
                ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER,
                ChatPermissions.CONVERSATION_AUDITOR, ChatPermissions.CONVERSATION_RETENTION_MANAGER);
    }

    /** A fresh id with a readable prefix. */
    protected static String uid(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
