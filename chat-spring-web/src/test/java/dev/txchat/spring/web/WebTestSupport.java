package dev.txchat.spring.web;

import dev.txchat.core.spi.ChatPermissions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP calls against the running test server, JSON parsing, the test actors' headers. */
abstract class WebTestSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final AtomicInteger IDS = new AtomicInteger();

    static final String ALL_STAFF_PERMISSIONS = String.join(",", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_DELETION_EXECUTOR, ChatPermissions.CONVERSATION_PARTICIPANT_MANAGER);
    static final String[] STAFF = {"X-Test-User", "alice", "X-Test-Permissions", ALL_STAFF_PERMISSIONS};
    static final String[] VIEWER_ONLY = {"X-Test-User", "vera", "X-Test-Permissions",
            ChatPermissions.CONVERSATION_VIEWER};
    static final String[] NOBODY = {};

    @Value("${local.server.port}")
    int port;

    /** A unique suffix, so tests sharing the context's database do not see each other's data. */
    static String unique(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    static String[] business(String user, String org) {
        return new String[] {"X-Test-User", user, "X-Test-Org", org};
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    record Response(int status, JsonNode body, String raw) {
    }

    Response call(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        List<String> all = new ArrayList<>(List.of(headers));
        if (body != null) {
            all.add("Content-Type");
            all.add("application/json");
        }
        all.add("Accept");
        all.add("application/json");
        request.headers(all.toArray(String[]::new));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            return new Response(response.statusCode(), raw == null || raw.isEmpty() ? null : json(raw), raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response post(String path, String body, String... headers) {
        return call("POST", path, body, headers);
    }
}
