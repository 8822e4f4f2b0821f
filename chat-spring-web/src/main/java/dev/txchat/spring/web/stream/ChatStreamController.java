package dev.txchat.spring.web.stream;

import dev.txchat.core.Actor;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.ValidationException;
import dev.txchat.core.spi.AccessPolicy;
import dev.txchat.core.spi.ChatAction;
import dev.txchat.spring.web.ActorResolver;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET ${txchat.web.stream.path:/chat/stream}}: server-sent events of the change-feed
 * entries the caller may see ({@link dev.txchat.core.Audience#admits}). Each event has
 * {@code id} = the entry's position, {@code event} = its type ({@code MessagePosted}, …) and
 * {@code data} = {@link dev.txchat.core.FeedEntry#toJson()} as the caller may see it (see
 * {@link StreamJson}). A request with {@code Last-Event-ID} first receives every admitted entry
 * after that position, then continues live, with no gap and no duplicate. Idle connections
 * receive a comment line every {@code txchat.web.stream.heartbeat}.
 *
 * <p>The caller must also be allowed to {@link ChatAction#VIEW view} under the host's
 * {@link AccessPolicy} (the default: staff need {@code CONVERSATION_VIEWER}), as
 * {@code ChatService} requires for every read; otherwise 403.
 *
 * <p>No actor → 401, a {@code Last-Event-ID} that is not a position → 400, each with
 * {@code {"errors":[…]}} as the REST surface answers; 503 when the stream is not ready (the
 * poller has not reached the head of the feed yet) or is shutting down.
 *
 * <p>Thread-safety: stateless apart from its thread-safe collaborators.
 */
@RestController
public class ChatStreamController {

    private final ChatFeedBroadcaster broadcaster;
    private final ActorResolver actors;
    private final StreamSettings settings;
    private final AccessPolicy accessPolicy;

    /**
     * @param broadcaster the shared poller
     * @param actors      who the caller is
     * @param settings    the stream settings
     * @param accessPolicy who may view at all: the same policy the chat service applies
     */
    public ChatStreamController(ChatFeedBroadcaster broadcaster, ActorResolver actors, StreamSettings settings,
            AccessPolicy accessPolicy) {
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
        this.actors = Objects.requireNonNull(actors, "actors");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
    }

    /**
     * Opens the stream.
     *
     * @param request  the request ({@code Last-Event-ID} header optional)
     * @param response the response, written directly for errors
     * @return the emitter, or null when an error was written
     * @throws IOException when the error response cannot be written
     */
    @GetMapping(path = "${txchat.web.stream.path:/chat/stream}")
    public SseEmitter stream(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Actor actor = actors.resolve(request);
        if (actor == null) {
            return error(response, 401, "{\"errors\":[{\"field\":null,\"messages\":[\"authentication required\"]}]}");
        }
        if (!accessPolicy.permits(actor, ChatAction.VIEW)) {
            return error(response, 403, "{\"errors\":[{\"field\":null,\"messages\":[\"not allowed to view conversations\"]}]}");
        }
        FeedPosition after = null;
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = FeedPosition.parse(lastEventId.trim());
            } catch (ValidationException e) {
                return error(response, 400,
                        "{\"errors\":[{\"field\":\"Last-Event-ID\",\"messages\":[\"is not a feed position\"]}]}");
            }
        }
        long timeout = settings.timeout().toMillis();
        SseEmitter emitter = new SseEmitter(timeout > 0 ? timeout : 0L);
        boolean registered;
        try {
            registered = broadcaster.register(actor, after, emitter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            registered = false;
        }
        if (!registered) {
            return error(response, 503, "{\"errors\":[{\"field\":null,\"messages\":[\"stream not available\"]}]}");
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        return emitter;
    }

    private static SseEmitter error(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(json);
        response.flushBuffer();
        return null;
    }
}
