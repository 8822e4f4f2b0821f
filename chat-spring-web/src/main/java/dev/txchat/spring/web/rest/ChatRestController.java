package dev.txchat.spring.web.rest;

import dev.txchat.core.AccessDeniedException;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConflictException;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.NewMessage;
import dev.txchat.core.NotFoundException;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.ValidationException;
import dev.txchat.spring.web.ActorResolver;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * txchat's REST surface in SDK.finance's shape, under {@code txchat.web.rest.base-path}
 * (default {@code /api}):
 * <ul>
 *   <li>{@code POST /v1/conversations/view} — body {@code participantId}, {@code participantType},
 *       {@code transactionId}, {@code kind}, {@code includeDeleted}, paging ({@code first}/{@code after}
 *       or {@code last}/{@code before}) → a page {@code {nodes, totalCount, pageInfo}};</li>
 *   <li>{@code POST /v1/conversations/{id}/messages/view} — paging → a page of messages;</li>
 *   <li>{@code POST /v1/conversations/{id}/messages} — {@code message}, optional
 *       {@code clientMessageId} → 201 and the message;</li>
 *   <li>{@code POST /v1/transactions/{transactionId}/conversations} — {@code businessUserId},
 *       optional {@code organizationId}, {@code message}, optional {@code clientMessageId} →
 *       201 when the chat was created, 200 when the message joined the existing one;</li>
 *   <li>{@code DELETE /v1/conversations/{id}} → 204;</li>
 *   <li>{@code POST /v1/conversations/{id}/read} — {@code sentBy} ({@code SERVICE}/{@code BUSINESS}) →
 *       the read receipt;</li>
 *   <li>{@code GET /v1/transactions/{transactionId}/ticket} → the ticket and its chats.</li>
 * </ul>
 * Errors: {@code ValidationException} → 400, {@code AccessDeniedException} → 403,
 * {@code NotFoundException} → 404, {@code ConflictException} → 409, no actor → 401, each with
 * {@code {"errors":[{"field":…,"messages":[…]}]}}; anything else → 500 with a generic message
 * (never a stack trace or SQL text; the exception is logged).
 *
 * <p>Thread-safety: stateless apart from its thread-safe collaborators; one instance serves
 * all requests concurrently.
 */
@RestController
@RequestMapping(path = "${txchat.web.rest.base-path:/api}/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class ChatRestController {

    private static final Logger LOG = LoggerFactory.getLogger(ChatRestController.class);

    /** Core field names reported under the names the requests use. */
    private static final Map<String, String> RENAMES = Map.of("body", "message", "businessUser", "businessUserId");

    private final ChatService chat;
    private final ActorResolver actors;

    /**
     * @param chat   the service every call goes to
     * @param actors who the caller is
     */
    public ChatRestController(ChatService chat, ActorResolver actors) {
        this.chat = Objects.requireNonNull(chat, "chat");
        this.actors = Objects.requireNonNull(actors, "actors");
    }

    /** Body of {@code POST /v1/conversations/view}; every field optional. */
    public record ConversationsView(String participantId, String participantType, String transactionId, String kind,
                                    Boolean includeDeleted, Integer first, String after, Integer last,
                                    String before) {
    }

    /** Body of {@code POST /v1/conversations/{id}/messages/view}; every field optional. */
    public record Paging(Integer first, String after, Integer last, String before) {
    }

    /** Body of {@code POST /v1/conversations/{id}/messages}. */
    public record PostMessage(String message, String clientMessageId) {
    }

    /** Body of {@code POST /v1/transactions/{transactionId}/conversations}. */
    public record OpenChat(String businessUserId, String organizationId, String message, String clientMessageId) {
    }

    /** Body of {@code POST /v1/conversations/{id}/read}. */
    public record Read(String sentBy) {
    }

    @PostMapping("/conversations/view")
    public Map<String, Object> viewConversations(@RequestBody(required = false) ConversationsView body,
            HttpServletRequest request) {
        Actor actor = actor(request);
        ConversationsView v = body == null ? new ConversationsView(null, null, null, null, null, null, null, null, null)
                : body;
        ConversationFilter filter = ConversationFilter.all()
                .withParticipantId(v.participantId())
                .withParticipantType(enumValue(ParticipantType.class, v.participantType(), "participantType"))
                .withTransactionId(v.transactionId())
                .withKind(enumValue(ConversationKind.class, v.kind(), "kind"));
        if (Boolean.TRUE.equals(v.includeDeleted())) {
            filter = filter.includingDeleted();
        }
        return RestJson.page(chat.listConversations(actor, filter, page(v.first(), v.after(), v.last(), v.before())),
                RestJson::conversationView);
    }

    @PostMapping("/conversations/{conversationId}/messages/view")
    public Map<String, Object> viewMessages(@PathVariable("conversationId") String conversationId,
            @RequestBody(required = false) Paging body, HttpServletRequest request) {
        Actor actor = actor(request);
        Paging p = body == null ? new Paging(null, null, null, null) : body;
        return RestJson.page(chat.listMessages(actor, ConversationId.parse(conversationId),
                page(p.first(), p.after(), p.last(), p.before())), RestJson::message);
    }

    @PostMapping("/conversations/{conversationId}/messages")
    public ResponseEntity<Map<String, Object>> postMessage(@PathVariable("conversationId") String conversationId,
            @RequestBody(required = false) PostMessage body, HttpServletRequest request) {
        Actor actor = actor(request);
        PostMessage p = body == null ? new PostMessage(null, null) : body;
        return ResponseEntity.status(HttpStatus.CREATED).body(RestJson.message(chat.postMessage(actor,
                ConversationId.parse(conversationId), NewMessage.of(p.message(), p.clientMessageId()))));
    }

    @PostMapping("/transactions/{transactionId}/conversations")
    public ResponseEntity<Map<String, Object>> openTransactionChat(@PathVariable("transactionId") String transactionId,
            @RequestBody(required = false) OpenChat body, HttpServletRequest request) {
        Actor actor = actor(request);
        OpenChat o = body == null ? new OpenChat(null, null, null, null) : body;
        if (o.businessUserId() == null || o.businessUserId().isBlank()) {
            throw ValidationException.of("businessUserId", "must not be blank");
        }
        TransactionChat opened = chat.openTransactionChat(actor, new OpenTransactionChat(transactionId,
                ParticipantRef.businessUser(o.businessUserId(), o.organizationId()),
                NewMessage.of(o.message(), o.clientMessageId())));
        return ResponseEntity.status(opened.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(RestJson.transactionChat(opened));
    }

    @DeleteMapping("/conversations/{conversationId}")
    public ResponseEntity<Void> deleteConversation(@PathVariable("conversationId") String conversationId, HttpServletRequest request) {
        Actor actor = actor(request);
        chat.deleteConversation(actor, ConversationId.parse(conversationId));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/conversations/{conversationId}/read")
    public Map<String, Object> markRead(@PathVariable("conversationId") String conversationId, @RequestBody(required = false) Read body,
            HttpServletRequest request) {
        Actor actor = actor(request);
        ParticipantType sentBy = enumValue(ParticipantType.class, body == null ? null : body.sentBy(), "sentBy");
        if (sentBy == null) {
            throw ValidationException.of("sentBy", "must be SERVICE or BUSINESS");
        }
        return RestJson.readReceipt(chat.markRead(actor, ConversationId.parse(conversationId), sentBy));
    }

    @GetMapping("/transactions/{transactionId}/ticket")
    public Map<String, Object> ticket(@PathVariable("transactionId") String transactionId, HttpServletRequest request) {
        return RestJson.ticket(chat.ticket(actor(request), transactionId));
    }

    // ---- errors -----------------------------------------------------------------------------

    @ExceptionHandler(ValidationException.class)
    ResponseEntity<Map<String, Object>> invalid(ValidationException e) {
        return json(HttpStatus.BAD_REQUEST, RestJson.errors(e.errors(), RENAMES));
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Map<String, Object>> notFound(NotFoundException e) {
        return json(HttpStatus.NOT_FOUND, RestJson.error(null, e.getMessage()));
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Map<String, Object>> denied(AccessDeniedException e) {
        return json(HttpStatus.FORBIDDEN, RestJson.error(null, e.getMessage()));
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Map<String, Object>> conflict(ConflictException e) {
        return json(HttpStatus.CONFLICT, e.field() == null ? RestJson.error(null, e.getMessage())
                : RestJson.errors(e.errors(), RENAMES));
    }

    @ExceptionHandler(Unauthenticated.class)
    ResponseEntity<Map<String, Object>> unauthenticated(Unauthenticated e) {
        return json(HttpStatus.UNAUTHORIZED, RestJson.error(null, "authentication required"));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return json(HttpStatus.BAD_REQUEST, RestJson.error(null, "the request body is not valid JSON of the expected shape"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> failed(Exception e) {
        if (e instanceof ErrorResponse response) {
            // Spring MVC's own (unsupported media type, method not allowed…): its status, no details
            HttpStatusCode status = response.getStatusCode();
            HttpStatus known = HttpStatus.resolve(status.value());
            return json(status, RestJson.error(null, known == null ? "request failed" : known.getReasonPhrase()
                    .toLowerCase(Locale.ROOT)));
        }
        LOG.error("txchat: REST call failed", e);
        return json(HttpStatus.INTERNAL_SERVER_ERROR, RestJson.error(null, "internal error"));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Actor actor(HttpServletRequest request) {
        Actor actor = actors.resolve(request);
        if (actor == null) {
            throw new Unauthenticated();
        }
        return actor;
    }

    private static PageRequest page(Integer first, String after, Integer last, String before) {
        if (last != null || before != null) {
            if (first != null || after != null) {
                throw ValidationException.of("last", "page either forward (first, after) or backward (last, before)");
            }
            return PageRequest.last(last == null ? PageRequest.DEFAULT_SIZE : last, before);
        }
        return PageRequest.first(first == null ? PageRequest.DEFAULT_SIZE : first, after);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        if (value == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw ValidationException.of(field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    private static ResponseEntity<Map<String, Object>> json(HttpStatusCode status, Map<String, Object> body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** No actor for the request. */
    static final class Unauthenticated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unauthenticated() {
            super("authentication required", null, false, false);
        }
    }
}
