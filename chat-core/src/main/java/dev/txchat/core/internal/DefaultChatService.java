package dev.txchat.core.internal;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.ConversationView;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.Page;
import dev.txchat.core.PageInfo;
import dev.txchat.core.PageRequest;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ReadReceipt;
import dev.txchat.core.StartConversation;
import dev.txchat.core.TicketId;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.TransactionTicket;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.core.spi.ChatAction;
import dev.txchat.core.spi.ChatEvent;
import dev.txchat.core.spi.ChatEventListener;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ContentPolicy;
import dev.txchat.core.spi.ConversationKey;
import dev.txchat.core.spi.ConversationQuery;
import dev.txchat.core.spi.MemberScope;
import dev.txchat.core.spi.NewConversation;
import dev.txchat.core.spi.NewStoredMessage;
import dev.txchat.core.spi.Stored;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.core.spi.TransactionDirectory;
import dev.txchat.core.spi.TransactionInfo;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.core.Audience;
import dev.txchat.core.ChatFeed;
import dev.txchat.core.spi.FeedRecord;
import dev.txchat.core.AuditVerification;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.PurgeResult;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.LegalHold;
import dev.txchat.core.spi.ProcessingRestriction;
import dev.txchat.core.spi.PurgedMessages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link ChatService} every builder returns. Every rule of the chat lives here once;
 * the store only persists atomically. Thread-safe: it holds only immutable configuration.
 */
public final class DefaultChatService implements ChatService {

    private final ChatStore store;
    private final TransactionDirectory directory;
    private final AccessPolicy accessPolicy;
    private final ContentPolicy contentPolicy;
    private final dev.txchat.core.CompliancePolicy compliance;
    private final Clock clock;
    private final EventDispatcher events;
    /** The host's cursor secret, or null to use the one the store keeps. */
    private final byte[] cursorSecret;
    /** Created on first use: the store's secret needs a database round trip. */
    private volatile Cursors cursors;
    private volatile boolean closed;
    private final DefaultChatFeed feed;

    public DefaultChatService(ChatStore store, TransactionDirectory directory, AccessPolicy accessPolicy,
                              ContentPolicy contentPolicy, Clock clock, List<ChatEventListener> listeners,
                              Duration listenerTimeout, byte[] cursorSecret, dev.txchat.core.CompliancePolicy compliance,
                              FeedOptions feedOptions) {
        this.store = store;
        this.compliance = compliance;
        this.directory = directory;
        this.accessPolicy = accessPolicy;
        this.contentPolicy = contentPolicy;
        this.clock = clock;
        this.events = new EventDispatcher(listeners, listenerTimeout);
        this.cursorSecret = cursorSecret == null ? null : cursorSecret.clone();
        this.feed = new DefaultChatFeed(store, clock, feedOptions);
        if (this.cursorSecret != null) {
            this.cursors = new Cursors(this.cursorSecret);
        }
    }

    /** Name under which the store keeps the generated cursor key. */
    static final String CURSOR_SECRET_NAME = "cursor-hmac-sha256";
    private static final int GENERATED_SECRET_BYTES = 32;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Cursors cursors() {
        Cursors resolved = cursors;
        if (resolved == null) {
            byte[] candidate = new byte[GENERATED_SECRET_BYTES];
            RANDOM.nextBytes(candidate);
            byte[] secret = store.inTransaction(tx -> tx.findOrCreateSecret(CURSOR_SECRET_NAME, candidate));
            resolved = new Cursors(secret);
            cursors = resolved;
        }
        return resolved;
    }

    @Override
    public ChatFeed feed() {
        return feed;
    }

    @Override
    public void close() {
        closed = true;
        // calls already inside commit and publish their events before delivery stops
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1));
        }
        feed.close();
        events.close();
    }

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    // ---- starting conversations -----------------------------------------------------------------

    @Override
    public Conversation startConversation(Actor actor, StartConversation request) {
        requireActor(actor);
        Checks.notNull(request, "request");
        ParticipantRef with = Checks.notNull(request.with(), "with");
        if (with.type() != ParticipantType.BUSINESS) {
            throw ValidationException.of("with", "must be a business user or business account");
        }
        String subject = Checks.optionalSubject(request.subject(), "subject");
        Content first = request.firstMessage() == null ? null : content(request.firstMessage());
        authorize(actor, ChatAction.START_CONVERSATION);

        return run(tx -> {
            Instant now = now();
            Participant staff = newParticipant(ParticipantRef.serviceUser(actor.userId()), now);
            Conversation conversation = new Conversation(ConversationId.random(), ConversationKind.DIRECT, null, null,
                    with.organizationId(), subject, ConversationStatus.OPEN, now,
                    List.of(newParticipant(with, now), staff));
            StoredConversation stored = tx.createConversation(new NewConversation(conversation, null)).value();
            List<ChatEvent> events = new ArrayList<>();
            events.add(new ChatEvent.ConversationStarted(stored.conversation(), actor));
            if (first != null) {
                Stored<Message> message = tx.appendMessage(newMessage(conversation.id(), staff, actor, first, now));
                events.add(new ChatEvent.MessagePosted(conversation.id(),
                        new ParticipantMessage(message.value(), staff), actor));
            }
            return new Outcome<>(stored.conversation(), events, audience(stored.conversation()));
        });
    }

    @Override
    public TransactionChat openTransactionChat(Actor actor, OpenTransactionChat request) {
        requireActor(actor);
        Checks.notNull(request, "request");
        String transactionId = Checks.id(request.transactionId(), "transactionId");
        ParticipantRef businessUser = Checks.notNull(request.businessUser(), "businessUser");
        if (businessUser.type() != ParticipantType.BUSINESS || businessUser.userId() == null) {
            throw ValidationException.of("businessUser", "must be a business user (ParticipantRef.businessUser)");
        }
        Content content = content(Checks.notNull(request.message(), "message"));
        authorize(actor, ChatAction.OPEN_TRANSACTION_CHAT);

        Optional<TransactionInfo> found = directory.find(transactionId);
        // a directory that answers null instead of Optional.empty() knows nothing either
        TransactionInfo info = (found == null ? Optional.<TransactionInfo>empty() : found)
                .orElseThrow(() -> new NotFoundException("transaction not found"));
        WalletOwner owner = walletOwner(info, businessUser);
        Map<String, String> details = TicketDetails.sanitize(info.details());
        ParticipantRef business = ParticipantRef.businessUser(owner.userId(), owner.organizationId());
        String liveKey = LiveKeys.transactionChat(transactionId, business.userId(), business.organizationId());

        return run(tx -> {
            Instant now = now();
            List<ChatEvent> events = new ArrayList<>();
            LiveChat live = liveTransactionChat(tx, transactionId, details, business, liveKey, actor, now, events);
            Conversation conversation = live.conversation();
            ConversationId id = conversation.id();
            Participant sender = senderFor(tx, actor, conversation, now, events);
            Conversation current = withParticipant(conversation, sender);
            Stored<Message> message = tx.appendMessage(newMessage(id, sender, actor, content, now));
            ParticipantMessage posted = posted(message, sender, current, actor);
            if (message.created()) {
                events.add(new ChatEvent.MessagePosted(id, posted, actor));
            }
            // the ticket as read before the append, with this chat as it is now
            TransactionTicket ticket = live.ticket().withConversations(withConversation(live.ticket(), current));
            // the opener sees the other chats of the ticket only if it may view chats at all
            TransactionTicket visibleTicket = accessPolicy.permits(actor, ChatAction.VIEW)
                    ? ticket : ticket.withConversations(List.of(current));
            return new Outcome<>(new TransactionChat(visibleTicket, current, posted, live.created()), events,
                    audience(current));
        });
    }

    /** The ticket's conversations, oldest first, with {@code current} in place of its stored state. */
    private static List<Conversation> withConversation(TransactionTicket ticket, Conversation current) {
        List<Conversation> conversations = new ArrayList<>();
        for (Conversation c : ticket.conversations()) {
            if (!c.id().equals(current.id())) {
                conversations.add(c);
            }
        }
        conversations.add(current);
        conversations.sort(java.util.Comparator.comparing(Conversation::createdAt)
                .thenComparing(c -> c.id().toString()));
        return conversations;
    }

    /**
     * The wallet owner the request names. The live key includes the organization, so the
     * same user id in two organizations is two people; a request without an organization
     * must then name exactly one of them.
     */
    private static WalletOwner walletOwner(TransactionInfo info, ParticipantRef businessUser) {
        List<WalletOwner> matches = info.walletOwners().stream()
                .filter(o -> businessUser.userId().equals(o.userId()))
                .filter(o -> businessUser.organizationId() == null
                        || businessUser.organizationId().equals(o.organizationId()))
                .distinct()
                .toList();
        if (matches.isEmpty()) {
            throw ValidationException.of("businessUser",
                    "the user's wallet does not participate in the transaction");
        }
        if (matches.size() > 1) {
            throw ValidationException.of("businessUser",
                    "the user id belongs to wallet owners of several organizations; name the organization");
        }
        return matches.get(0);
    }

    /**
     * The live chat of the key, locked, or a new one, with its ticket. The lookup locks by
     * key: a chat deleted while it waited is not returned, and the next round creates the new
     * chat (or finds the one a concurrent opener made).
     */
    private LiveChat liveTransactionChat(ChatStoreTransaction tx, String transactionId, Map<String, String> details,
                                         ParticipantRef business, String liveKey, Actor actor, Instant now,
                                         List<ChatEvent> events) {
        for (int round = 1; round <= LIVE_CHAT_ROUNDS; round++) {
            Optional<StoredConversation> locked = tx.lockLiveConversation(liveKey);
            if (locked.isPresent() && !locked.get().conversation().isDeleted()) {
                Conversation conversation = locked.get().conversation();
                Participant member = ensureActive(tx, conversation, business, now, actor, events);
                TransactionTicket ticket = tx.findTicket(transactionId)
                        .orElseThrow(() -> new IllegalStateException("live chat " + conversation.id() + " has no ticket"));
                return new LiveChat(withParticipant(conversation, member), ticket, false);
            }
            if (locked.isPresent()) {
                continue;
            }
            TransactionTicket ticket = tx.findTicket(transactionId).orElse(null);
            if (ticket == null) {
                Stored<TransactionTicket> made = tx.findOrCreateTicket(TicketId.random(), transactionId, details, now);
                // a concurrent opener's ticket comes with its chats
                ticket = made.created() ? made.value() : tx.findTicket(transactionId).orElse(made.value());
            }
            Participant staff = newParticipant(ParticipantRef.serviceUser(actor.userId()), now);
            Conversation fresh = new Conversation(ConversationId.random(), ConversationKind.TRANSACTION,
                    ticket.id(), transactionId, business.organizationId(), null, ConversationStatus.OPEN, now,
                    List.of(newParticipant(business, now), staff));
            Stored<StoredConversation> stored = tx.createConversation(new NewConversation(fresh, liveKey));
            if (stored.created()) {
                events.add(new ChatEvent.ConversationStarted(stored.value().conversation(), actor));
                return new LiveChat(stored.value().conversation(), ticket, true);
            }
            // a concurrent opener created it first: the next round locks theirs
        }
        throw new ConflictException("the chat was deleted and reopened concurrently too often; try again");
    }

    /**
     * Rounds of look up, lock, re-check before giving up. Each failed round means another
     * unit of work deleted the chat and committed, so this only runs out when chats are
     * deleted as fast as they are opened.
     */
    private static final int LIVE_CHAT_ROUNDS = 100;

    private record LiveChat(Conversation conversation, TransactionTicket ticket, boolean created) {
    }

    @Override
    public Conversation accountThread(Actor actor, String organizationId) {
        requireActor(actor);
        String organization = Checks.id(organizationId, "organizationId");
        authorize(actor, ChatAction.VIEW);
        if (!actor.isService() && !organization.equals(actor.organizationId())) {
            throw new AccessDeniedException("a business user may only open its own organization's account thread");
        }
        String liveKey = LiveKeys.accountThread(organization);

        return run(tx -> {
            Optional<StoredConversation> live = tx.findLiveConversation(liveKey);
            if (live.isPresent()) {
                return new Outcome<>(live.get().conversation(), List.of(), null);
            }
            Instant now = now();
            Conversation fresh = new Conversation(ConversationId.random(), ConversationKind.ACCOUNT, null, null,
                    organization, null, ConversationStatus.OPEN, now,
                    List.of(newParticipant(ParticipantRef.platform(), now),
                            newParticipant(ParticipantRef.businessAccount(organization), now)));
            Stored<StoredConversation> stored = tx.createConversation(new NewConversation(fresh, liveKey));
            List<ChatEvent> events = stored.created()
                    ? List.of(new ChatEvent.ConversationStarted(stored.value().conversation(), actor))
                    : List.of();
            return new Outcome<>(stored.value().conversation(), events, audience(stored.value().conversation()));
        });
    }

    // ---- reading --------------------------------------------------------------------------------

    @Override
    public ConversationView getConversation(Actor actor, ConversationId id) {
        requireActor(actor);
        Checks.notNull(id, "id");
        authorize(actor, ChatAction.VIEW);
        return read(tx -> view(withheldFromRestricted(tx, visible(tx, actor, id, false)), actor));
    }

    @Override
    public Page<ConversationView> listConversations(Actor actor, ConversationFilter filter, PageRequest page) {
        requireActor(actor);
        Checks.notNull(filter, "filter");
        checkPage(page);
        ConversationFilter normalized = new ConversationFilter(
                Checks.optionalId(filter.participantId(), "participantId"), filter.participantType(),
                Checks.optionalId(filter.transactionId(), "transactionId"), filter.kind(),
                actor.isService() && filter.includeDeleted());
        MemberScope member = actor.isService() ? null : new MemberScope(actor.userId(), actor.organizationId());
        List<String> scope = scopeOf(normalized, member);
        Cursors cursors = cursors();
        ConversationKey bound = page.cursor() == null
                ? null : cursors.conversationKey(page.cursor(), scope, page.cursorField());
        authorize(actor, ChatAction.VIEW);
        ConversationQuery query = new ConversationQuery(normalized, member);

        return read(tx -> {
            long total = tx.countConversations(query);
            List<StoredConversation> rows = withheldFromRestrictedViews(tx,
                    tx.listConversations(query, bound, page.forward(), page.size() + 1));
            return page(rows, page, bound != null, total,
                    c -> view(c, actor), c -> cursors.forConversation(c.key(), scope));
        });
    }

    @Override
    public Page<ParticipantMessage> listMessages(Actor actor, ConversationId id, PageRequest page) {
        requireActor(actor);
        Checks.notNull(id, "id");
        checkPage(page);
        Long bound = page.cursor() == null ? null : cursors().messageSequence(page.cursor(), id, page.cursorField());
        authorize(actor, ChatAction.VIEW);

        return read(tx -> {
            StoredConversation conversation = visible(tx, actor, id, false);
            List<Message> rows = withheldFromRestricted(tx,
                    tx.listMessages(id, bound, page.forward(), page.size() + 1));
            Conversation loaded = conversation.conversation();
            // at READ COMMITTED a new participant's first message can commit between the two
            // reads; participants are never removed for good, so a second look finds them
            Conversation withAllSenders = rows.stream().allMatch(m -> loaded.participant(m.senderId()).isPresent())
                    ? loaded : tx.findConversation(id).orElseThrow(() -> notFound(id)).conversation();
            Cursors cursors = cursors();
            return page(rows, page, bound != null, conversation.messageCount(),
                    m -> forViewer(withSender(m, withAllSenders), withAllSenders, actor),
                    m -> cursors.forMessage(id, m.sequence()));
        });
    }

    @Override
    public TransactionTicket ticket(Actor actor, String transactionId) {
        requireActor(actor);
        String transaction = Checks.id(transactionId, "transactionId");
        authorize(actor, ChatAction.VIEW);
        NotFoundException notFound = new NotFoundException("no ticket for transaction " + transaction);
        TransactionTicket ticket = read(tx -> tx.findTicket(transaction)).orElseThrow(() -> notFound);
        if (actor.isService()) {
            return ticket;
        }
        MemberScope member = new MemberScope(actor.userId(), actor.organizationId());
        List<Conversation> own = ticket.conversations().stream()
                .filter(c -> !c.isDeleted() && c.participants().stream().anyMatch(member::admits))
                .toList();
        if (own.isEmpty()) {
            throw notFound;
        }
        // the ledger's details are context for staff (they may hold risk or compliance notes)
        return new TransactionTicket(ticket.id(), ticket.transactionId(), Map.of(), ticket.createdAt(), own);
    }

    // ---- writing --------------------------------------------------------------------------------

    @Override
    public ParticipantMessage postMessage(Actor actor, ConversationId id, NewMessage message) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Content content = content(Checks.notNull(message, "message"));
        authorize(actor, ChatAction.POST_MESSAGE);

        return run(tx -> {
            Instant now = now();
            Conversation conversation = visible(tx, actor, id, true).conversation();
            if (conversation.isDeleted()) {
                throw new ConflictException("conversation " + id + " is deleted");
            }
            List<ChatEvent> events = new ArrayList<>();
            Participant sender = senderFor(tx, actor, conversation, now, events);
            Stored<Message> stored = tx.appendMessage(newMessage(id, sender, actor, content, now));
            ParticipantMessage posted = posted(stored, sender, conversation, actor);
            if (stored.created()) {
                events.add(new ChatEvent.MessagePosted(id, posted, actor));
            }
            return new Outcome<>(posted, events, audience(conversation));
        });
    }

    @Override
    public ReadReceipt markRead(Actor actor, ConversationId id, ParticipantType sentBy) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(sentBy, "sentBy");
        authorize(actor, ChatAction.MARK_READ);

        return run(tx -> {
            Instant now = now();
            Conversation conversation = visible(tx, actor, id, true).conversation();
            // a side never marks its own messages read: read state belongs to the reader's side
            int marked = sentBy == actor.type() ? 0 : tx.markRead(id, sentBy, now);
            ReadReceipt receipt = new ReadReceipt(id, marked, now);
            List<ChatEvent> events = marked == 0
                    ? List.of() : List.of(new ChatEvent.MessagesRead(id, sentBy, receipt, actor));
            return new Outcome<>(receipt, events, audience(conversation));
        });
    }

    @Override
    public void deleteConversation(Actor actor, ConversationId id) {
        requireActor(actor);
        Checks.notNull(id, "id");
        authorize(actor, ChatAction.DELETE_CONVERSATION);

        run(tx -> {
            Instant now = now();
            Conversation conversation = found(tx.lockConversation(id), id).conversation();
            boolean deleted = tx.markDeleted(id, now);
            List<ChatEvent> events = deleted
                    ? List.of(new ChatEvent.ConversationDeleted(id, now, actor)) : List.of();
            return new Outcome<>(Boolean.TRUE, events, audience(conversation));
        });
    }

    @Override
    public Participant addParticipant(Actor actor, ConversationId id, ParticipantRef who) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(who, "who");
        if (who.type() == ParticipantType.SERVICE && who.userId() == null) {
            throw ValidationException.of("who", "the platform participant belongs to account threads only");
        }
        authorize(actor, ChatAction.MANAGE_PARTICIPANTS);

        return run(tx -> {
            Instant now = now();
            Conversation conversation = manageable(tx, id);
            List<ChatEvent> events = new ArrayList<>();
            Participant participant = ensureActive(tx, conversation, who, now, actor, events);
            return new Outcome<>(participant, events, audience(withParticipant(conversation, participant)));
        });
    }

    @Override
    public void removeParticipant(Actor actor, ConversationId id, ParticipantId participant) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(participant, "participant");
        authorize(actor, ChatAction.MANAGE_PARTICIPANTS);

        run(tx -> {
            Instant now = now();
            Conversation conversation = manageable(tx, id);
            Participant removed = tx.removeParticipant(id, participant, now)
                    .orElseThrow(() -> new NotFoundException(
                            "participant " + participant + " is not an active member of conversation " + id));
            return new Outcome<>(Boolean.TRUE, List.of(new ChatEvent.ParticipantRemoved(id, removed, actor)),
                    audience(withoutParticipant(conversation, removed)));
        });
    }

    // ---- edits, redactions and regulated mode ---------------------------------------------------

    @Override
    public ParticipantMessage editMessage(Actor actor, ConversationId id, MessageId messageId, String body) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(messageId, "messageId");
        Content content = content(NewMessage.of(Checks.notNull(body, "body")));
        authorize(actor, ChatAction.EDIT_MESSAGE);

        return run(tx -> {
            Instant now = now();
            Conversation conversation = visible(tx, actor, id, true).conversation();
            if (conversation.isDeleted()) {
                throw new ConflictException("conversation " + id + " is deleted");
            }
            Message message = tx.findMessage(id, messageId).orElseThrow(() -> messageNotFound(messageId));
            Participant sender = senderOf(message, conversation);
            if (!isAuthor(actor, message, sender)) {
                throw new AccessDeniedException("only its author may edit a message");
            }
            if (message.isRedacted()) {
                throw new ConflictException("message " + messageId + " is redacted");
            }
            if (now.isAfter(message.createdAt().plus(compliance.editWindow()))) {
                throw new ConflictException("the edit window of " + compliance.editWindow() + " after posting has passed");
            }
            if (message.body().equals(content.body())) {
                return new Outcome<>(forViewer(new ParticipantMessage(message, sender), conversation, actor),
                        List.of(), null);
            }
            Message edited = tx.editMessage(id, messageId, content.body(), now)
                    .orElseThrow(() -> messageNotFound(messageId));
            AuditingTransaction audit = audited(tx);
            if (audit != null) {
                int version = tx.messageVersions(id, List.of(messageId)).size() + 1;
                audit.record(id, AuditChain.MESSAGE_EDITED, now, actor, messageId, version, edited.body(), Map.of());
            }
            ParticipantMessage result = new ParticipantMessage(edited, sender);
            return new Outcome<>(forViewer(result, conversation, actor),
                    List.of(new ChatEvent.MessageEdited(id, result, actor)), audience(conversation));
        });
    }

    @Override
    public ParticipantMessage redactMessage(Actor actor, ConversationId id, MessageId messageId, String reason) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(messageId, "messageId");
        String why = reason(reason);
        // staff redact with the deletion permission, their own messages included: a check that depended on
        // the author would have to read first, and tell a staff member without it which conversations exist
        authorize(actor, actor.isService() ? ChatAction.REDACT_ANY_MESSAGE : ChatAction.REDACT_OWN_MESSAGE);

        return run(tx -> {
            Instant now = now();
            Conversation conversation = visible(tx, actor, id, true).conversation();
            if (conversation.isDeleted()) {
                throw new ConflictException("conversation " + id + " is deleted");
            }
            Message message = tx.findMessage(id, messageId).orElseThrow(() -> messageNotFound(messageId));
            Participant sender = senderOf(message, conversation);
            if (!actor.isService() && !isAuthor(actor, message, sender)) {
                throw new AccessDeniedException("only its author may redact a message");
            }
            if (message.isRedacted()) {
                return new Outcome<>(forViewer(new ParticipantMessage(message, sender), conversation, actor),
                        List.of(), null);
            }
            Message tombstone = tx.redactMessage(id, messageId, now, compliance.regulated())
                    .orElseThrow(() -> messageNotFound(messageId));
            AuditingTransaction audit = audited(tx);
            if (audit != null) {
                Map<String, Object> details = new java.util.LinkedHashMap<>();
                details.put("reason", why);
                details.put("supersededVersion", (long) tx.messageVersions(id, List.of(messageId)).size());
                audit.record(id, AuditChain.MESSAGE_REDACTED, now, actor, messageId, null, null, details);
            }
            return new Outcome<>(forViewer(new ParticipantMessage(tombstone, sender), conversation, actor),
                    List.of(new ChatEvent.MessageRedacted(id, messageId, now, actor)), audience(conversation));
        });
    }

    @Override
    public List<MessageVersion> messageHistory(Actor actor, ConversationId id, MessageId messageId) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(messageId, "messageId");
        authorize(actor, ChatAction.AUDIT);

        return read(tx -> {
            found(tx.findConversation(id), id);
            Message message = tx.findMessage(id, messageId).orElseThrow(() -> messageNotFound(messageId));
            List<MessageVersion> versions = new ArrayList<>(tx.messageVersions(id, List.of(messageId)));
            if (!message.isRedacted()) {
                versions.add(new MessageVersion(messageId, versions.size() + 1, message.body(),
                        message.editedAt() != null ? message.editedAt() : message.createdAt(), null, true));
            }
            return List.copyOf(versions);
        });
    }

    @Override
    public AuditVerification verifyAudit(Actor actor, ConversationId id) {
        requireActor(actor);
        Checks.notNull(id, "id");
        authorize(actor, ChatAction.AUDIT);
        requireRegulated("verifyAudit");
        read(tx -> found(tx.findConversation(id), id));
        AuditVerifier verifier = new AuditVerifier(id);
        long after = 0;
        boolean first = true;
        while (true) {
            long from = after;
            List<AuditRecord> page = read(tx -> tx.readAudit(id, from, AUDIT_PAGE));
            if (first) {
                verifier.chainStartsWith(page.isEmpty() ? null : page.get(0));
                first = false;
            }
            page.forEach(verifier::entry);
            if (page.size() < AUDIT_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).sequence();
        }
        verifier.chainEnd();
        Long bound = null;
        while (true) {
            Long from = bound;
            List<Message> page = read(tx -> {
                List<Message> messages = tx.listMessages(id, from, true, MESSAGE_PAGE);
                if (!messages.isEmpty()) {
                    List<MessageId> ids = messages.stream().map(Message::id).toList();
                    verifier.messages(messages, tx.auditOfMessages(id, ids), tx.messageVersions(id, ids));
                }
                return messages;
            });
            if (page.size() < MESSAGE_PAGE) {
                break;
            }
            bound = page.get(page.size() - 1).sequence();
        }
        return verifier.result();
    }

    /** Keyset page sizes of verification, export and purges: bounded statements, constant memory. */
    static final int AUDIT_PAGE = 500;
    static final int MESSAGE_PAGE = 500;
    static final int PURGE_BATCH = 1000;
    private static final int CANDIDATE_PAGE = 100;
    /** A purge stops after this many messages and reports {@code more}. */
    static final long PURGE_MESSAGES_PER_CALL = 1_000_000;

    @Override
    public void placeLegalHold(Actor actor, ConversationId id, String reason) {
        requireActor(actor);
        Checks.notNull(id, "id");
        String why = reason(reason);
        authorize(actor, ChatAction.MANAGE_RETENTION);
        requireRegulated("placeLegalHold");

        run(tx -> {
            Instant now = now();
            found(tx.lockConversation(id), id);
            if (!tx.placeLegalHold(id, new LegalHold(why, now, actor.userId()))) {
                throw new ConflictException("conversation " + id + " is already on legal hold");
            }
            audited(tx).record(id, AuditChain.LEGAL_HOLD_PLACED, now, actor, null, null, null, Map.of("reason", why));
            return new Outcome<>(Boolean.TRUE, List.of(), null);
        });
    }

    @Override
    public void releaseLegalHold(Actor actor, ConversationId id, String reason) {
        requireActor(actor);
        Checks.notNull(id, "id");
        String why = reason(reason);
        authorize(actor, ChatAction.MANAGE_RETENTION);
        requireRegulated("releaseLegalHold");

        run(tx -> {
            Instant now = now();
            found(tx.lockConversation(id), id);
            LegalHold released = tx.releaseLegalHold(id)
                    .orElseThrow(() -> new ConflictException("conversation " + id + " is not on legal hold"));
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("reason", why);
            details.put("heldSince", released.placedAt().toString());
            details.put("heldReason", released.reason());
            audited(tx).record(id, AuditChain.LEGAL_HOLD_RELEASED, now, actor, null, null, null, details);
            return new Outcome<>(Boolean.TRUE, List.of(), null);
        });
    }

    @Override
    public PurgeResult purgeExpired(Actor actor) {
        requireActor(actor);
        authorize(actor, ChatAction.MANAGE_RETENTION);
        requireRegulated("purgeExpired");
        if (compliance.maximumRetention() == null) {
            return new PurgeResult(0, 0, 0, 0, false);
        }
        Instant cutoff = now().minus(compliance.maximumRetention());
        int conversations = 0;
        long messagesPurged = 0;
        long auditPurged = 0;
        ConversationId after = null;
        while (messagesPurged < PURGE_MESSAGES_PER_CALL) {
            ConversationId from = after;
            List<ConversationId> candidates = read(tx -> tx.purgeCandidates(cutoff, from, CANDIDATE_PAGE));
            for (ConversationId candidate : candidates) {
                boolean touched = false;
                while (messagesPurged < PURGE_MESSAGES_PER_CALL) {
                    long[] batch = purgeBatch(actor, candidate, cutoff);
                    if (batch[0] == 0 && batch[1] == 0) {
                        break;
                    }
                    touched = true;
                    messagesPurged += batch[0];
                    auditPurged += batch[1];
                }
                if (touched) {
                    conversations++;
                }
            }
            if (candidates.size() < CANDIDATE_PAGE) {
                break;
            }
            after = candidates.get(candidates.size() - 1);
        }
        int pseudonymised = pseudonymiseExpiredRestrictions(cutoff);
        return new PurgeResult(conversations, messagesPurged, auditPurged, pseudonymised,
                messagesPurged >= PURGE_MESSAGES_PER_CALL);
    }

    /**
     * One unit of work of a purge: up to {@link #PURGE_BATCH} expired messages, then, once no
     * expired message is left, the expired prefix of the chain within one page, replaced by a
     * checkpoint entry that vouches for where the chain now starts.
     *
     * @return messages and audit entries removed
     */
    private long[] purgeBatch(Actor actor, ConversationId id, Instant cutoff) {
        return run(tx -> {
            StoredConversation locked = found(tx.lockConversation(id), id);
            // placed since the candidates were listed: the hold wins
            if (audited(tx).state(id).onHold()) {
                return new Outcome<>(new long[] {0, 0}, List.of(), null);
            }
            PurgedMessages purged = tx.purgeMessages(id, cutoff, PURGE_BATCH);
            long through = 0;
            String lastHash = null;
            if (purged.count() < PURGE_BATCH) {
                // entries go only once their messages have: a remaining message keeps its entries
                for (AuditRecord r : tx.readAudit(id, 0, AUDIT_PAGE)) {
                    if (!r.at().isBefore(cutoff)) {
                        break;
                    }
                    through = r.sequence();
                    lastHash = r.hash();
                }
            }
            int auditRemoved = through == 0 ? 0 : tx.purgeAudit(id, through);
            if (purged.count() == 0 && auditRemoved == 0) {
                return new Outcome<>(new long[] {0, 0}, List.of(), null);
            }
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("cutoff", cutoff.toString());
            details.put("purgedMessages", (long) purged.count());
            details.put("purgedMessagesThroughSequence", purged.highestSequence());
            details.put("purgedAuditThrough", through == 0 ? null : through);
            details.put("lastPurgedHash", lastHash);
            if (through == 0) {
                // the chain is whole: this checkpoint vouches for nothing before it
                details.put("purgedAuditThrough", null);
            }
            audited(tx).record(id, AuditChain.PURGE_CHECKPOINT, now(), actor, null, null, null, details);
            return new Outcome<>(new long[] {purged.count(), auditRemoved}, List.of(), null);
        });
    }

    /** Pseudonymises, in bounded units of work, every user restricted before {@code cutoff}. */
    private int pseudonymiseExpiredRestrictions(Instant cutoff) {
        int users = 0;
        String after = null;
        while (true) {
            String from = after;
            List<ProcessingRestriction> due = read(tx -> tx.restrictionsToPseudonymise(cutoff, from, CANDIDATE_PAGE));
            for (ProcessingRestriction restriction : due) {
                String pseudonym = pseudonym(restriction.userId());
                int changed;
                do {
                    changed = run(tx -> new Outcome<>(tx.pseudonymise(restriction.userId(), pseudonym, PURGE_BATCH,
                            now()), List.of(), null));
                } while (changed >= PURGE_BATCH);
                users++;
            }
            if (due.size() < CANDIDATE_PAGE) {
                return users;
            }
            after = due.get(due.size() - 1).userId();
        }
    }

    /**
     * A stable pseudonym: a keyed hash, so the same user gets the same pseudonym on every node
     * and it cannot be reversed by hashing candidate user ids without the key.
     */
    private String pseudonym(String userId) {
        byte[] candidate = new byte[GENERATED_SECRET_BYTES];
        RANDOM.nextBytes(candidate);
        byte[] key = store.inTransaction(tx -> tx.findOrCreateSecret(PSEUDONYM_SECRET_NAME, candidate));
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(userId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("pseudonym-");
            for (int i = 0; i < 16; i++) {
                hex.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
            }
            return hex.toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    static final String PSEUDONYM_SECRET_NAME = "pseudonym-hmac-sha256";

    @Override
    public void exportConversation(Actor actor, ConversationId id, java.io.OutputStream out) {
        requireActor(actor);
        Checks.notNull(id, "id");
        Checks.notNull(out, "out");
        authorize(actor, ChatAction.AUDIT);
        new ConversationExport(id, this::read, compliance.regulated(), now()).writeTo(out);
    }

    @Override
    public void restrictProcessing(Actor actor, String userId) {
        requireActor(actor);
        String user = Checks.id(userId, "userId");
        authorize(actor, ChatAction.MANAGE_RETENTION);
        requireRegulated("restrictProcessing");
        run(tx -> new Outcome<>(tx.restrictProcessing(user, now()), List.of(), null));
    }

    /**
     * Normal reads in regulated mode: what a user whose processing is restricted wrote is
     * withheld (empty body, no author); export and audit read the store directly. One
     * statement per page, and none outside regulated mode.
     */
    private List<Message> withheldFromRestricted(ChatStoreTransaction tx, List<Message> messages) {
        if (!compliance.regulated() || messages.isEmpty()) {
            return messages;
        }
        Set<String> authors = new HashSet<>();
        for (Message m : messages) {
            if (m.authorUserId() != null) {
                authors.add(m.authorUserId());
            }
        }
        Set<String> restricted = authors.isEmpty() ? Set.of() : tx.restrictedAmong(authors);
        if (restricted.isEmpty()) {
            return messages;
        }
        List<Message> shown = new ArrayList<>(messages.size());
        for (Message m : messages) {
            shown.add(restricted.contains(m.authorUserId()) ? withheld(m) : m);
        }
        return shown;
    }

    private StoredConversation withheldFromRestricted(ChatStoreTransaction tx, StoredConversation c) {
        return withheldFromRestrictedViews(tx, List.of(c)).get(0);
    }

    private List<StoredConversation> withheldFromRestrictedViews(ChatStoreTransaction tx,
                                                                 List<StoredConversation> conversations) {
        if (!compliance.regulated()) {
            return conversations;
        }
        List<Message> last = new ArrayList<>();
        for (StoredConversation c : conversations) {
            if (c.lastMessage() != null) {
                last.add(c.lastMessage());
            }
        }
        List<Message> shown = withheldFromRestricted(tx, last);
        if (shown == last) {
            return conversations;
        }
        List<StoredConversation> result = new ArrayList<>(conversations.size());
        int i = 0;
        for (StoredConversation c : conversations) {
            if (c.lastMessage() == null) {
                result.add(c);
            } else {
                result.add(new StoredConversation(c.conversation(), c.messageCount(), c.unreadFromService(),
                        c.unreadFromBusiness(), c.lastActivityAt(), shown.get(i++), c.compliance()));
            }
        }
        return result;
    }

    private static Message withheld(Message m) {
        return new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(), m.sentByType(), null, "",
                m.createdAt(), m.readAt(), m.clientMessageId(), m.editedAt(), m.redactedAt());
    }

    private void requireRegulated(String call) {
        if (!compliance.regulated()) {
            throw new ConflictException(call + " needs regulated mode: ChatServiceBuilder.compliance("
                    + "CompliancePolicy.regulated(..))");
        }
    }

    /** The unit of work's audit, or null outside regulated mode. */
    private static AuditingTransaction audited(ChatStoreTransaction tx) {
        return tx instanceof AuditingTransaction audit ? audit : null;
    }

    /** A required reason: one line, at most {@link #MAX_REASON_CHARS} characters, card numbers masked. */
    private static String reason(String reason) {
        if (reason == null || Checks.isBlankOrInvisible(reason)) {
            throw ValidationException.of("reason", "must not be blank");
        }
        String trimmed = reason.strip();
        if (trimmed.codePointCount(0, trimmed.length()) > MAX_REASON_CHARS) {
            throw ValidationException.of("reason", "must be at most " + MAX_REASON_CHARS + " characters");
        }
        if (Checks.hasControlOrLoneSurrogate(trimmed, false)) {
            throw ValidationException.of("reason", "must not contain control characters");
        }
        if (Checks.hasBidiControl(trimmed)) {
            throw ValidationException.of("reason", Checks.BIDI_MESSAGE);
        }
        return CardNumbers.mask(trimmed);
    }

    static final int MAX_REASON_CHARS = 1000;

    private static NotFoundException messageNotFound(MessageId id) {
        return new NotFoundException("message " + id + " not found");
    }

    private static Participant senderOf(Message message, Conversation conversation) {
        return conversation.participant(message.senderId())
                .orElseThrow(() -> new IllegalStateException("message " + message.id() + " names sender "
                        + message.senderId() + " missing from " + conversation.id()));
    }

    // ---- rules ----------------------------------------------------------------------------------

    /**
     * The message a post returns. A repeated client message id returns the first message
     * only to its own author; anyone else gets a conflict and never sees it.
     */
    private static ParticipantMessage posted(Stored<Message> stored, Participant sender, Conversation conversation,
                                             Actor actor) {
        if (stored.created()) {
            return new ParticipantMessage(stored.value(), sender);
        }
        Message first = stored.value();
        Participant firstSender = conversation.participant(first.senderId()).orElse(null);
        if (firstSender == null || !isAuthor(actor, first, firstSender)) {
            throw new ConflictException("clientMessageId", "is already used by another author in this conversation");
        }
        return forViewer(new ParticipantMessage(first, firstSender), conversation, actor);
    }

    /** Whether {@code actor} wrote {@code message}: same side, same user, and for business users the same organization. */
    private static boolean isAuthor(Actor actor, Message message, Participant sender) {
        if (message.sentByType() != actor.type() || !actor.userId().equals(message.authorUserId())) {
            return false;
        }
        return actor.isService() || new MemberScope(actor.userId(), actor.organizationId()).admits(sender);
    }

    /**
     * A message as {@code viewer} may see it: in an account thread a business user meets one
     * operator persona, so which staff member wrote is hidden (the record keeps it).
     */
    private static ParticipantMessage forViewer(ParticipantMessage message, Conversation conversation, Actor viewer) {
        Message m = message.message();
        if (viewer.isService() || conversation.kind() != ConversationKind.ACCOUNT
                || m.sentByType() != ParticipantType.SERVICE || m.authorUserId() == null) {
            return message;
        }
        return new ParticipantMessage(new Message(m.id(), m.conversationId(), m.sequence(), m.senderId(),
                m.sentByType(), null, m.body(), m.createdAt(), m.readAt(), m.clientMessageId(), m.editedAt(),
                m.redactedAt()), message.sender());
    }

    private static Conversation withParticipant(Conversation conversation, Participant participant) {
        if (conversation.participants().contains(participant)) {
            return conversation;
        }
        List<Participant> participants = new ArrayList<>(conversation.participants());
        participants.add(participant);
        return new Conversation(conversation.id(), conversation.kind(), conversation.ticketId(),
                conversation.transactionId(), conversation.organizationId(), conversation.subject(),
                conversation.status(), conversation.createdAt(), participants);
    }

    private static void requireActor(Actor actor) {
        Checks.notNull(actor, "actor");
    }

    /**
     * Business actors are limited by the core whatever the policy says; the policy can only
     * narrow further.
     */
    private void authorize(Actor actor, ChatAction action) {
        if (!actor.isService() && !action.openToBusiness()) {
            throw new AccessDeniedException("business users may not " + describe(action));
        }
        if (!accessPolicy.permits(actor, action)) {
            throw new AccessDeniedException(actor.isService()
                    ? "permission " + action.requiredPermission() + " is required to " + describe(action)
                    : "not permitted to " + describe(action));
        }
    }

    private static String describe(ChatAction action) {
        return action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /**
     * The conversation, if the actor may see it. For a business actor a conversation it is
     * not in, or a deleted one, is reported exactly like a missing one.
     */
    private static StoredConversation visible(ChatStoreTransaction tx, Actor actor, ConversationId id, boolean lock) {
        StoredConversation conversation = found(lock ? tx.lockConversation(id) : tx.findConversation(id), id);
        if (!actor.isService()) {
            MemberScope member = new MemberScope(actor.userId(), actor.organizationId());
            if (conversation.conversation().isDeleted()
                    || conversation.conversation().participants().stream().noneMatch(member::admits)) {
                throw notFound(id);
            }
        }
        return conversation;
    }

    private static StoredConversation found(Optional<StoredConversation> conversation, ConversationId id) {
        return conversation.orElseThrow(() -> notFound(id));
    }

    private static NotFoundException notFound(ConversationId id) {
        return new NotFoundException("conversation " + id + " not found");
    }

    private static Conversation manageable(ChatStoreTransaction tx, ConversationId id) {
        Conversation conversation = found(tx.lockConversation(id), id).conversation();
        if (conversation.kind() == ConversationKind.ACCOUNT) {
            throw new ConflictException("account threads have fixed participants: the platform and the account");
        }
        if (conversation.isDeleted()) {
            throw new ConflictException("conversation " + id + " is deleted");
        }
        return conversation;
    }

    /**
     * Who the actor writes as. In account threads each side is one participant; elsewhere a
     * business actor writes as its own participant, and a staff user joins on first write.
     */
    private Participant senderFor(ChatStoreTransaction tx, Actor actor, Conversation conversation, Instant now,
                                  List<ChatEvent> events) {
        if (conversation.kind() == ConversationKind.ACCOUNT) {
            ParticipantRef side = actor.isService()
                    ? ParticipantRef.platform() : ParticipantRef.businessAccount(conversation.organizationId());
            return ensureActive(tx, conversation, side, now, actor, events);
        }
        if (actor.isService()) {
            return ensureActive(tx, conversation, ParticipantRef.serviceUser(actor.userId()), now, actor, events);
        }
        MemberScope member = new MemberScope(actor.userId(), actor.organizationId());
        // prefer the user's own participant over its organization's
        return conversation.participants().stream()
                .filter(member::admits)
                .min((a, b) -> Boolean.compare(a.userId() == null, b.userId() == null))
                .orElseThrow(() -> notFound(conversation.id()));
    }

    private static Participant ensureActive(ChatStoreTransaction tx, Conversation conversation, ParticipantRef ref,
                                            Instant now, Actor actor, List<ChatEvent> events) {
        Optional<Participant> active = conversation.participants().stream()
                .filter(p -> p.isActive() && p.is(ref))
                .findFirst();
        if (active.isPresent()) {
            return active.get();
        }
        Stored<Participant> added = tx.addParticipant(conversation.id(), ParticipantId.random(), ref, now);
        if (added.created()) {
            events.add(new ChatEvent.ParticipantAdded(conversation.id(), added.value(), actor));
        }
        return added.value();
    }

    private static ConversationView view(StoredConversation stored, Actor actor) {
        Message last = stored.lastMessage();
        return new ConversationView(stored.conversation(), stored.messageCount(), stored.unreadFor(actor.type()),
                last == null ? null : forViewer(withSender(last, stored.conversation()), stored.conversation(), actor));
    }

    private static ParticipantMessage withSender(Message message, Conversation conversation) {
        Participant sender = conversation.participant(message.senderId())
                .orElseThrow(() -> new IllegalStateException(
                        "message " + message.id() + " names sender " + message.senderId() + " missing from "
                                + conversation.id()));
        return new ParticipantMessage(message, sender);
    }

    /**
     * The body to store: the host's content policy first, then what no policy may relax:
     * not blank (invisible characters count as blank), no text-reordering characters, no
     * card number.
     */
    private Content content(NewMessage message) {
        String body = contentPolicy.apply(message.body());
        if (body == null || Checks.isBlankOrInvisible(body)) {
            throw ValidationException.of("body", "must not be blank");
        }
        if (Checks.hasBidiControl(body)) {
            throw ValidationException.of("body", Checks.BIDI_MESSAGE);
        }
        if (Checks.hasControlOrLoneSurrogate(body, true)) {
            throw ValidationException.of("body",
                    "must not contain control characters other than newline and tab, nor unpaired surrogates");
        }
        if (body.length() > MAX_STORED_BODY_CHARS) {
            throw ValidationException.of("body", "must be at most " + MAX_STORED_BODY_CHARS
                    + " UTF-16 characters, whatever the content policy allows");
        }
        if (message.clientMessageId() != null && !message.clientMessageId().isEmpty()
                && Checks.isBlankOrInvisible(message.clientMessageId())) {
            // a blank id silently dropped would turn an idempotent retry into a duplicate
            throw ValidationException.of("clientMessageId", "must not be blank; leave it null or empty for none");
        }
        String clientMessageId = Checks.optionalId(message.clientMessageId(), "clientMessageId");
        return new Content(CardNumbers.mask(body), clientMessageId);
    }

    private static NewStoredMessage newMessage(ConversationId id, Participant sender, Actor actor, Content content,
                                               Instant now) {
        return new NewStoredMessage(MessageId.random(), id, sender.id(), sender.type(), actor.userId(),
                content.body(), content.clientMessageId(), now);
    }

    private static Participant newParticipant(ParticipantRef ref, Instant now) {
        return new Participant(ParticipantId.random(), ref.type(), ref.userId(), ref.organizationId(), now, null);
    }

    private static void checkPage(PageRequest page) {
        Checks.notNull(page, "page");
        if (page.size() < 1 || page.size() > PageRequest.MAX_SIZE) {
            throw ValidationException.of(page.sizeField(), "must be between 1 and " + PageRequest.MAX_SIZE);
        }
        if (page.cursor() != null && page.cursor().isBlank()) {
            throw ValidationException.of(page.cursorField(), "must not be blank");
        }
    }

    /**
     * Binds conversation cursors to the list they were issued for: the caller's scope and
     * filter, as separate parts that {@link Cursors} encodes unambiguously.
     */
    private static List<String> scopeOf(ConversationFilter filter, MemberScope member) {
        return java.util.Arrays.asList(member == null ? "service" : "member", member == null ? null : member.userId(),
                member == null ? null : member.organizationId(), filter.participantId(),
                filter.participantType() == null ? null : filter.participantType().name(), filter.transactionId(),
                filter.kind() == null ? null : filter.kind().name(), Boolean.toString(filter.includeDeleted()));
    }

    /**
     * Turns {@code limit + 1} rows in traversal order into a page in list order, with
     * GraphQL-style page info: the extra row tells whether more lie beyond; a cursor given
     * means items lie on its other side.
     */
    private static <R, T> Page<T> page(List<R> rows, PageRequest page, boolean fromCursor, long total,
                                       Function<R, T> node, Function<R, String> cursor) {
        boolean more = rows.size() > page.size();
        List<R> kept = new ArrayList<>(more ? rows.subList(0, page.size()) : rows);
        if (!page.forward()) {
            Collections.reverse(kept);
        }
        String start = kept.isEmpty() ? null : cursor.apply(kept.get(0));
        String end = kept.isEmpty() ? null : cursor.apply(kept.get(kept.size() - 1));
        PageInfo info = page.forward()
                ? new PageInfo(more, fromCursor, start, end)
                : new PageInfo(fromCursor, more, start, end);
        return new Page<>(kept.stream().map(node).toList(), total, info);
    }

    // ---- running units of work ------------------------------------------------------------------

    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Instant now() {
        // every store keeps microseconds; truncating here makes all of them read back what was written
        Instant now = clock.instant();
        if (now.isBefore(EARLIEST) || now.isAfter(LATEST)) {
            throw new IllegalStateException("the clock reads " + now + ", outside the years 1900 to 9999 txchat stores");
        }
        return now.truncatedTo(ChronoUnit.MICROS);
    }

    /** Runs a writing unit of work, then tells the listeners what it committed. */
    private <T> T run(Function<ChatStoreTransaction, Outcome<T>> work) {
        enter();
        try {
            return runEntered(work);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private <T> T runEntered(Function<ChatStoreTransaction, Outcome<T>> work) {
        long[] slot = {EventDispatcher.NO_SLOT};
        boolean[] deferred = {false};
        Outcome<T> outcome;
        try {
            outcome = store.inTransaction(storeTx -> {
                // regulated: locks bring the audit chain's head, and the entries go in with the work
                AuditingTransaction audit = compliance.regulated() ? new AuditingTransaction(storeTx) : null;
                ChatStoreTransaction tx = audit == null ? storeTx : audit;
                Outcome<T> result = work.apply(tx);
                if (audit != null) {
                    audit.recordEvents(result.events());
                    audit.flush();
                }
                if (!result.events().isEmpty()) {
                    // the last write, while the unit of work still holds the conversation's lock
                    tx.appendToFeed(feedRecords(result.events(), result.audience(), now()));
                }
                // a retried attempt gives up the slot of the attempt before it
                events.cancel(slot[0]);
                slot[0] = EventDispatcher.NO_SLOT;
                List<ChatEvent> committed = result.events();
                // joined to a host transaction: nothing is committed yet, and may never be.
                // The slot is taken at the host's commit, so an open host transaction never
                // holds back other calls' events
                deferred[0] = !committed.isEmpty()
                        && tx.runAfterOuterCommit(() -> events.publish(events.reserve(), committed));
                if (!deferred[0]) {
                    slot[0] = events.reserve();
                }
                return result;
            });
        } catch (RuntimeException | Error e) {
            events.cancel(slot[0]);
            throw e;
        }
        if (!outcome.events().isEmpty()) {
            feed.wakeLocalSubscribers();
        }
        if (!deferred[0]) {
            events.publish(slot[0], outcome.events());
        }
        return outcome.value();
    }

    private <T> T read(Function<ChatStoreTransaction, T> work) {
        enter();
        try {
            return store.inTransaction(work);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Counts a call in, unless the service is closed; close() waits for the counted ones. */
    private void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw new IllegalStateException("this ChatService is closed");
        }
    }

    /**
     * What a unit of work returns: its result, the events to publish after commit, and who
     * may see them (null when there are none).
     */
    private record Outcome<T>(T value, List<ChatEvent> events, Audience audience) {
    }

    /** The feed audience of a conversation: its active business participants, and staff. */
    private static Audience audience(Conversation conversation) {
        Set<ParticipantRef> members = new HashSet<>();
        for (Participant p : conversation.participants()) {
            if (p.isActive() && p.type() == ParticipantType.BUSINESS) {
                members.add(new ParticipantRef(ParticipantType.BUSINESS, p.userId(), p.organizationId()));
            }
        }
        return new Audience(members, true);
    }

    private static Conversation withoutParticipant(Conversation conversation, Participant removed) {
        List<Participant> participants = new ArrayList<>(conversation.participants());
        participants.removeIf(p -> p.id().equals(removed.id()));
        return new Conversation(conversation.id(), conversation.kind(), conversation.ticketId(),
                conversation.transactionId(), conversation.organizationId(), conversation.subject(),
                conversation.status(), conversation.createdAt(), participants);
    }

    /** The change-feed records of a unit of work's events, written in the same transaction. */
    private static List<FeedRecord> feedRecords(List<ChatEvent> events, Audience audience, Instant at) {
        String encodedAudience = FeedCodec.encode(audience);
        List<FeedRecord> records = new ArrayList<>(events.size());
        for (ChatEvent event : events) {
            records.add(new FeedRecord(0, event.conversationId(), FeedCodec.type(event), FeedCodec.encode(event),
                    encodedAudience, at));
        }
        return records;
    }

    /** Longest body any store holds the same way (H2's column; MariaDB's TEXT in 4-byte UTF-8). */
    static final int MAX_STORED_BODY_CHARS = 16_000;

    private record Content(String body, String clientMessageId) {
    }
}
