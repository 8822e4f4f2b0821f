package dev.txchat.spring.web.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.spring.web.PostgresTestSupport;
import dev.txchat.spring.web.TestApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two application nodes over one PostgreSQL database (same datasource URL and table prefix,
 * stream enabled on both): a message posted through node A's REST endpoint reaches the
 * seller's and the staff member's streams on node B within a measured bound, never an
 * outsider's stream on node B, and reconnecting to node B with {@code Last-Event-ID} misses
 * nothing. Skipped (failed when {@code CI=true}) when PostgreSQL is unreachable, see
 * {@link PostgresTestSupport}.
 */
class TwoNodeStreamTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The bound on A-post to B-delivery; the default poll interval is 100 ms. */
    static final long BOUND_MILLIS = 2_000;
    static final String PATH = "/chat/stream";
    static final Actor STAFF = new Actor(ParticipantType.SERVICE, "alice", null,
            Set.of(ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR));
    static final String[] STAFF_HEADERS = {"X-Test-User", "alice", "X-Test-Permissions",
            ChatPermissions.CONVERSATION_VIEWER + "," + ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR};

    static String prefix;
    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoNodes() {
        PostgresTestSupport.requireAvailable();
        prefix = PostgresTestSupport.freshPrefix();
        nodeA = start("node-a");
        nodeB = start("node-b");
    }

    static ConfigurableApplicationContext start(String name) {
        List<String> properties = new ArrayList<>(List.of("server.port=0", "spring.application.name=" + name,
                "txchat.web.stream.enabled=true", "txchat.web.rest.enabled=true", "spring.main.banner-mode=off",
                // open event streams would otherwise hold a graceful shutdown for its full timeout
                "server.shutdown=immediate",
                // closed client connections are noticed (and released) at the next heartbeat
                "txchat.web.stream.heartbeat=300ms"));
        PostgresTestSupport.properties(prefix).forEach((k, v) -> properties.add(k + "=" + v));
        return new SpringApplicationBuilder(TestApp.class).properties(properties.toArray(String[]::new)).run();
    }

    @AfterAll
    static void stopTwoNodes() {
        try {
            if (nodeB != null) {
                nodeB.close();
            }
            if (nodeA != null) {
                nodeA.close();
            }
        } finally {
            if (prefix != null) {
                PostgresTestSupport.dropTables(prefix);
            }
        }
    }

    static int port(ConfigurableApplicationContext node) {
        return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    static String[] business(String user, String org) {
        return new String[] {"X-Test-User", user, "X-Test-Org", org};
    }

    static JsonNode json(SseClient.Event event) {
        return JSON.readTree(event.data());
    }

    static Predicate<SseClient.Event> posted(ConversationId conversation, String body) {
        return e -> "MessagePosted".equals(e.name())
                && conversation.toString().equals(json(e).get("conversationId").asString())
                && body.equals(json(e).get("event").get("message").get("body").asString());
    }

    static SseClient openOnB(String lastEventId, String... headers) {
        SseClient client = SseClient.open(port(nodeB), PATH, lastEventId, headers);
        assertThat(client.status).as(String.valueOf(client.errorBody)).isEqualTo(200);
        assertThat(client.contentType).startsWith("text/event-stream");
        return client;
    }

    /** Posts {@code body} into {@code conversation} as staff through node A's REST endpoint. */
    static void postOnA(ConversationId conversation, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port(nodeA)
                        + "/api/v1/conversations/" + conversation + "/messages"))
                .headers(STAFF_HEADERS).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + body + "\"}")).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    /** A first REST call on node A, so its one-time initialization is not part of the measured latency. */
    static void warmUpRestOnA() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port(nodeA)
                        + "/api/v1/conversations/view"))
                .headers(STAFF_HEADERS).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aMessagePostedOnNodeAReachesTheRightStreamsOnNodeBAndResumingMissesNothing() throws Exception {
        String org = "acme-2node";
        String otherOrg = "evil-2node";
        ChatService chatA = nodeA.getBean(ChatService.class);
        ConversationId mine = chatA.accountThread(STAFF, org).id();
        ConversationId theirs = chatA.accountThread(STAFF, otherOrg).id();
        String[] seller = business("bob", org);

        String lastSeen;
        List<SseClient.Event> staffAfterLastSeen = new ArrayList<>();
        try (SseClient staff = openOnB(null, STAFF_HEADERS)) {
            try (SseClient sellerStream = openOnB(null, seller);
                 SseClient outsider = openOnB(null, business("eve", otherOrg))) {
                warmUpRestOnA();
                long start = System.nanoTime();
                postOnA(mine, "across nodes");
                List<SseClient.Event> sellerSaw = sellerStream.until(posted(mine, "across nodes"), WAIT);
                long sellerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                staff.until(posted(mine, "across nodes"), WAIT);
                long staffMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.println("sse two-node latency: " + sellerMillis + " ms (seller), " + staffMillis
                        + " ms (staff), posted on node A, received on node B");
                assertThat(sellerMillis).isLessThan(BOUND_MILLIS);
                assertThat(staffMillis).isLessThan(BOUND_MILLIS);
                SseClient.Event delivered = sellerSaw.get(sellerSaw.size() - 1);
                assertThat(json(delivered).get("event").get("message").get("authorUserId").isNull()).isTrue();
                lastSeen = delivered.id();

                // the outsider's stream on node B: the later message of its own thread arrives, the earlier one of
                // the seller's thread never did
                postOnA(theirs, "for eve");
                List<SseClient.Event> outsiderSaw = outsider.until(posted(theirs, "for eve"), WAIT);
                assertThat(outsiderSaw).allSatisfy(e -> {
                    assertThat(json(e).get("conversationId").asString()).isEqualTo(theirs.toString());
                    assertThat(e.data()).doesNotContain(mine.toString(), "across nodes");
                });
                staffAfterLastSeen.addAll(staff.until(posted(theirs, "for eve"), WAIT));
                assertThat(sellerStream.events).noneMatch(e -> e.data().contains(theirs.toString()));
            }

            // while the seller is disconnected, more messages are posted through node A
            postOnA(mine, "missed 1");
            postOnA(theirs, "not for bob");
            postOnA(mine, "missed 2");
            staffAfterLastSeen.addAll(staff.until(posted(mine, "missed 2"), WAIT));
            // what the seller may see: every entry of its thread after the last one it received
            List<String> expected = staffAfterLastSeen.stream()
                    .filter(e -> mine.toString().equals(json(e).get("conversationId").asString()))
                    .map(SseClient.Event::id).toList();
            assertThat(expected).hasSizeGreaterThanOrEqualTo(2);

            try (SseClient resumed = openOnB(lastSeen, seller)) {
                List<SseClient.Event> replayed = resumed.until(posted(mine, "missed 2"), WAIT);
                assertThat(replayed.stream().map(SseClient.Event::id).toList()).isEqualTo(expected);
                assertThat(replayed).anyMatch(posted(mine, "missed 1"));
                assertThat(replayed).noneMatch(e -> e.data().contains(theirs.toString()) || e.id().equals(lastSeen));

                postOnA(mine, "live again");
                assertThat(posted(mine, "live again")).accepts(resumed.next(WAIT));
            }
        }
    }
}
