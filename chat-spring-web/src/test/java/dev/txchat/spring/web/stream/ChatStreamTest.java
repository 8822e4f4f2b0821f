package dev.txchat.spring.web.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.spring.web.TestApp;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /chat/stream} over real HTTP (embedded Tomcat, H2): live delivery to the members
 * of a conversation only, the operator persona for business viewers, resuming with
 * {@code Last-Event-ID} without gap or duplicate, heartbeats, 401, 403 and 400.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"txchat.web.stream.enabled=true", "txchat.web.stream.heartbeat=300ms"})
class ChatStreamTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final AtomicInteger IDS = new AtomicInteger();
    static final String PATH = "/chat/stream";
    static final Actor STAFF = new Actor(ParticipantType.SERVICE, "alice", null,
            Set.of(ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR));
    static final String[] STAFF_HEADERS = {"X-Test-User", "alice", "X-Test-Permissions",
            ChatPermissions.CONVERSATION_VIEWER};

    @Value("${local.server.port}")
    int port;

    @Autowired
    ChatService chat;

    static String unique(String prefix) {
        return prefix + "-stream-" + IDS.incrementAndGet();
    }

    static String[] business(String user, String org) {
        return new String[] {"X-Test-User", user, "X-Test-Org", org};
    }

    static JsonNode json(SseClient.Event event) {
        return JSON.readTree(event.data());
    }

    static Predicate<SseClient.Event> posted(ConversationId conversation, String body) {
        return e -> "MessagePosted".equals(e.name()) && conversation.toString().equals(json(e).get("conversationId").asString())
                && body.equals(json(e).get("event").get("message").get("body").asString());
    }

    SseClient open(String lastEventId, String... headers) {
        SseClient client = SseClient.open(port, PATH, lastEventId, headers);
        assertThat(client.status).as(String.valueOf(client.errorBody)).isEqualTo(200);
        assertThat(client.contentType).startsWith("text/event-stream");
        return client;
    }

    @Test
    void aSellerReceivesItsAccountThreadLiveAndAnOutsiderNever() throws Exception {
        String org = unique("acme");
        String otherOrg = unique("evil");
        ConversationId mine = chat.accountThread(STAFF, org).id();
        ConversationId theirs = chat.accountThread(STAFF, otherOrg).id();

        try (SseClient seller = open(null, business("bob", org));
             SseClient outsider = open(null, business("eve", otherOrg));
             SseClient staff = open(null, STAFF_HEADERS)) {
            long start = System.nanoTime();
            chat.postMessage(STAFF, mine, NewMessage.of("for bob only"));
            List<SseClient.Event> sellerSaw = seller.until(posted(mine, "for bob only"), WAIT);
            long deliveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("txchat stream: posted -> received by the seller's stream in " + deliveredMillis + " ms");
            assertThat(deliveredMillis).isLessThan(2_000);

            SseClient.Event event = sellerSaw.get(sellerSaw.size() - 1);
            JsonNode data = json(event);
            assertThat(event.id()).isEqualTo(data.get("position").asString()).startsWith("f");
            assertThat(data.get("type").asString()).isEqualTo("MessagePosted");
            // the operator persona: which staff member wrote is hidden from the business viewer
            assertThat(data.get("event").get("message").get("authorUserId").isNull()).isTrue();
            assertThat(data.get("event").get("actor").get("userId").isNull()).isTrue();
            assertThat(event.data()).doesNotContain("alice");
            // staff see who wrote
            List<SseClient.Event> staffSaw = staff.until(posted(mine, "for bob only"), WAIT);
            JsonNode staffData = json(staffSaw.get(staffSaw.size() - 1));
            assertThat(staffData.get("event").get("message").get("authorUserId").asString()).isEqualTo("alice");

            chat.postMessage(STAFF, theirs, NewMessage.of("for eve"));
            List<SseClient.Event> outsiderSaw = outsider.until(posted(theirs, "for eve"), WAIT);
            assertThat(outsiderSaw).allSatisfy(e -> {
                assertThat(json(e).get("conversationId").asString()).isEqualTo(theirs.toString());
                assertThat(e.data()).doesNotContain(mine.toString(), "for bob only");
            });
            assertThat(seller.events).noneMatch(e -> e.data().contains(theirs.toString()));
        }
    }

    @Test
    void reconnectingWithLastEventIdReplaysExactlyTheEntriesAfterItThenContinuesLive() throws Exception {
        String org = unique("acme");
        Actor bob = Actor.business("bob", org);
        ConversationId thread = chat.accountThread(STAFF, org).id();
        String[] headers = business("bob", org);

        List<SseClient.Event> first;
        try (SseClient stream = open(null, headers)) {
            chat.postMessage(bob, thread, NewMessage.of("m1"));
            chat.postMessage(STAFF, thread, NewMessage.of("m2"));
            chat.postMessage(bob, thread, NewMessage.of("m3"));
            first = stream.until(posted(thread, "m3"), WAIT);
        }
        int m1 = indexOf(first, posted(thread, "m1"));
        List<SseClient.Event> expected = first.subList(m1 + 1, first.size());
        assertThat(expected).hasSizeGreaterThanOrEqualTo(2);

        try (SseClient resumed = open(first.get(m1).id(), headers)) {
            for (SseClient.Event want : expected) {
                assertThat(resumed.next(WAIT)).isEqualTo(want);
            }
            chat.postMessage(STAFF, thread, NewMessage.of("m4"));
            SseClient.Event live = resumed.next(WAIT);
            assertThat(posted(thread, "m4")).accepts(live);
            assertThat(live.id()).isNotIn(first.stream().map(SseClient.Event::id).toList());
        }

        // from the very last one: nothing is replayed, the next live entry comes first
        try (SseClient fromLast = open(first.get(first.size() - 1).id(), headers)) {
            SseClient.Event again = fromLast.next(WAIT);
            assertThat(posted(thread, "m4")).accepts(again);
            chat.postMessage(bob, thread, NewMessage.of("m5"));
            assertThat(posted(thread, "m5")).accepts(fromLast.next(WAIT));
        }
    }

    @Test
    void idleConnectionsReceiveHeartbeats() throws Exception {
        try (SseClient stream = open(null, business("bob", unique("quiet")))) {
            String comment;
            do {
                comment = stream.comments.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(comment).as("a heartbeat within " + WAIT).isNotNull();
            } while (!comment.equals("heartbeat"));
        }
    }

    @Test
    void withoutAUserIs401WithoutTheViewerPermission403AndABadLastEventIdIs400() {
        SseClient nobody = SseClient.open(port, PATH, null);
        assertThat(nobody.status).isEqualTo(401);
        assertThat(nobody.errorBody).isEqualTo("{\"errors\":[{\"field\":null,\"messages\":[\"authentication required\"]}]}");

        SseClient noViewer = SseClient.open(port, PATH, null, "X-Test-User", "carl", "X-Test-Permissions",
                ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
        assertThat(noViewer.status).isEqualTo(403);

        SseClient bad = SseClient.open(port, PATH, "not-a-position", business("bob", unique("acme")));
        assertThat(bad.status).isEqualTo(400);
        assertThat(bad.errorBody).contains("Last-Event-ID");
    }

    private static int indexOf(List<SseClient.Event> events, Predicate<SseClient.Event> which) {
        for (int i = 0; i < events.size(); i++) {
            if (which.test(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("not found in " + events);
    }
}
