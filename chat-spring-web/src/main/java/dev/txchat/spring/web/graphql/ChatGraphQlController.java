package dev.txchat.spring.web.graphql;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.ConversationId;
import dev.txchat.core.FieldError;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.Page;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.stereotype.Controller;

/**
 * txchat's GraphQL surface in Marketplacer's "In-app chat" shape: {@code chatMessages},
 * {@code chatMessageCreate}, {@code chatMessageRead} on the one thread of a seller account
 * (txchat's account thread of an organization). A seller (business actor) reaches its own
 * organization's thread only (a {@code sellerId} other than its organization is an error on
 * {@code sellerId}); the operator (service actor) names the seller with {@code sellerId}, which
 * it must give. {@code "Admin"} is txchat's SERVICE side, {@code "Seller"} the BUSINESS side.
 *
 * <p>Mutations report {@code ValidationException}, {@code ConflictException},
 * {@code AccessDeniedException} and {@code NotFoundException} in their payload's
 * {@code errors{field messages}}; the query lets them propagate to
 * {@link ChatGraphQlExceptionResolver}, which turns them into classified GraphQL errors.
 *
 * <p>Thread-safety: stateless apart from the thread-safe {@link ChatService}; one instance
 * serves all requests concurrently.
 */
@Controller
public class ChatGraphQlController {

    /** Marketplacer's class of the operator's users: txchat's SERVICE side. */
    public static final String ADMIN = "Admin";
    /** Marketplacer's class of the seller account's users: txchat's BUSINESS side. */
    public static final String SELLER = "Seller";

    private static final Map<String, String> RENAMES = Map.of("body", "message");

    private final ChatService chat;

    /** @param chat the service every operation goes to */
    public ChatGraphQlController(ChatService chat) {
        this.chat = Objects.requireNonNull(chat, "chat");
    }

    @QueryMapping
    public Map<String, Object> chatMessages(@Argument("first") Integer first, @Argument("after") String after, @Argument("last") Integer last,
            @Argument("before") String before, @Argument("sellerId") String sellerId,
            @ContextValue(name = ActorGraphQlInterceptor.ACTOR, required = false) Actor actor) {
        Actor who = authenticated(actor);
        ConversationId thread = thread(who, sellerId);
        PageRequest page;
        if (last != null || before != null) {
            if (first != null || after != null) {
                throw ValidationException.of("last", "page either forward (first, after) or backward (last, before)");
            }
            page = PageRequest.last(last == null ? PageRequest.DEFAULT_SIZE : last, before);
        } else {
            page = PageRequest.first(first == null ? PageRequest.DEFAULT_SIZE : first, after);
        }
        Page<ParticipantMessage> messages = chat.listMessages(who, thread, page);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("totalCount", messages.totalCount());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("hasNextPage", messages.pageInfo().hasNextPage());
        info.put("hasPreviousPage", messages.pageInfo().hasPreviousPage());
        info.put("startCursor", messages.pageInfo().startCursor());
        info.put("endCursor", messages.pageInfo().endCursor());
        json.put("pageInfo", info);
        json.put("nodes", messages.nodes().stream().map(ChatGraphQlController::node).toList());
        return json;
    }

    @MutationMapping
    public Map<String, Object> chatMessageCreate(@Argument("input") Map<String, Object> input,
            @ContextValue(name = ActorGraphQlInterceptor.ACTOR, required = false) Actor actor) {
        Actor who = authenticated(actor);
        Map<String, Object> payload = new LinkedHashMap<>();
        try {
            ConversationId thread = thread(who, string(input, "sellerId"));
            ParticipantMessage posted = chat.postMessage(who, thread,
                    NewMessage.of(string(input, "message"), string(input, "clientMessageId")));
            payload.put("chatMessage", node(posted));
            payload.put("errors", List.of());
        } catch (ValidationException | ConflictException | AccessDeniedException | NotFoundException e) {
            payload.put("chatMessage", null);
            payload.put("errors", errors(e));
        }
        return payload;
    }

    @MutationMapping
    public Map<String, Object> chatMessageRead(@Argument("input") Map<String, Object> input,
            @ContextValue(name = ActorGraphQlInterceptor.ACTOR, required = false) Actor actor) {
        Actor who = authenticated(actor);
        Map<String, Object> payload = new LinkedHashMap<>();
        try {
            ParticipantType sentBy = userClass(string(input, "sentBy"));
            ConversationId thread = thread(who, string(input, "sellerId"));
            chat.markRead(who, thread, sentBy);
            payload.put("errors", List.of());
        } catch (ValidationException | ConflictException | AccessDeniedException | NotFoundException e) {
            payload.put("errors", errors(e));
        }
        return payload;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Actor authenticated(Actor actor) {
        if (actor == null) {
            throw new UnauthenticatedException();
        }
        return actor;
    }

    /** The seller's account thread: the seller's own, or the one the operator names. */
    private ConversationId thread(Actor actor, String sellerId) {
        if (actor.isService()) {
            if (sellerId == null || sellerId.isBlank()) {
                throw ValidationException.of("sellerId", "is required for the operator");
            }
            return chat.accountThread(actor, sellerId).id();
        }
        if (actor.organizationId() == null) {
            throw new AccessDeniedException("a seller is a user of a seller account (organization)");
        }
        if (sellerId != null && !sellerId.equals(actor.organizationId())) {
            throw ValidationException.of("sellerId", "a seller reaches only its own thread");
        }
        return chat.accountThread(actor, actor.organizationId()).id();
    }

    static ParticipantType userClass(String sentBy) {
        if (ADMIN.equals(sentBy)) {
            return ParticipantType.SERVICE;
        }
        if (SELLER.equals(sentBy)) {
            return ParticipantType.BUSINESS;
        }
        throw ValidationException.of("sentBy", "must be \"Admin\" or \"Seller\"");
    }

    static String userClass(ParticipantType type) {
        return type == ParticipantType.SERVICE ? ADMIN : SELLER;
    }

    private static Map<String, Object> node(ParticipantMessage m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", m.id().toString());
        json.put("createdAt", m.createdAt().toString());
        json.put("message", m.body());
        json.put("readAt", m.readAt() == null ? null : m.readAt().toString());
        json.put("sentByType", userClass(m.sentByType()));
        return json;
    }

    private static String string(Map<String, Object> input, String key) {
        Object value = input == null ? null : input.get(key);
        return value == null ? null : value.toString();
    }

    /** {@code errors{field messages}} of a failed mutation. */
    static List<Map<String, Object>> errors(RuntimeException e) {
        List<FieldError> fieldErrors;
        if (e instanceof ValidationException v) {
            fieldErrors = v.errors();
        } else if (e instanceof ConflictException c && c.field() != null) {
            fieldErrors = c.errors();
        } else {
            fieldErrors = null;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        if (fieldErrors == null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("field", null);
            json.put("messages", List.of(e.getMessage()));
            list.add(json);
            return list;
        }
        for (FieldError error : fieldErrors) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("field", RENAMES.getOrDefault(error.field(), error.field()));
            json.put("messages", error.messages());
            list.add(json);
        }
        return list;
    }
}
