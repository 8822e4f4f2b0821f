package dev.txchat.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.spi.WalletOwner;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * Every REST endpoint over real HTTP (embedded Tomcat, H2), as staff, as the seller in the
 * chat, as an outsider and unauthenticated, with the exact JSON of each error.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RestApiTest extends WebTestSupport {

    @Autowired
    FakeTransactionDirectory directory;

    String org;
    String tx;
    String[] seller;
    String[] outsider;

    @BeforeEach
    void transaction() {
        org = unique("acme");
        tx = unique("tx");
        seller = business("bob", org);
        outsider = business("eve", unique("evil"));
        directory.register(tx, Map.of("amount", "10.00 EUR", "riskNote", "staff only"), new WalletOwner("bob", org));
    }

    /** Opens the transaction chat as staff; returns the response body. */
    JsonNode open(String message) {
        Response r = post("/api/v1/transactions/" + tx + "/conversations",
                "{\"businessUserId\":\"bob\",\"organizationId\":\"" + org + "\",\"message\":\"" + message + "\"}", STAFF);
        assertThat(r.status()).as(r.raw()).isIn(200, 201);
        return r.body();
    }

    static void assertIso(JsonNode node) {
        assertThat(node.isString()).as("%s is a string", node).isTrue();
        assertThat(Instant.parse(node.asString())).isNotNull();
    }

    static void assertErrors(Response r, int status, String json) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.body()).as(r.raw()).isEqualTo(json(json));
        assertThat(r.raw()).doesNotContain("Exception", "at dev.", "SELECT", "INSERT");
    }

    // ---- POST /v1/transactions/{transactionId}/conversations ------------------------------------

    @Test
    void staffOpensATransactionChatAndOpeningAgainAppends() {
        Response first = post("/api/v1/transactions/" + tx + "/conversations",
                "{\"businessUserId\":\"bob\",\"organizationId\":\"" + org + "\",\"message\":\"Your payment is held\"}",
                STAFF);

        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        JsonNode body = first.body();
        assertThat(body.get("created").asBoolean()).isTrue();
        JsonNode conversation = body.get("conversation");
        assertThat(conversation.get("id").isString()).isTrue();
        assertThat(conversation.get("kind").asString()).isEqualTo("TRANSACTION");
        assertThat(conversation.get("transactionId").asString()).isEqualTo(tx);
        assertThat(conversation.get("status").asString()).isEqualTo("OPEN");
        assertThat(conversation.get("ticketId").asString()).isEqualTo(body.get("ticket").get("id").asString());
        assertIso(conversation.get("createdAt"));
        assertThat(conversation.get("participants")).extracting(p -> p.get("type").asString() + ":"
                + p.get("userId").asString() + "@" + p.get("organizationId").asString())
                .containsExactlyInAnyOrder("SERVICE:alice@", "BUSINESS:bob@" + org);
        JsonNode message = body.get("message");
        assertThat(message.get("id").isString()).isTrue();
        assertThat(message.get("conversationId").asString()).isEqualTo(conversation.get("id").asString());
        assertThat(message.get("message").asString()).isEqualTo("Your payment is held");
        assertThat(message.get("sentByType").asString()).isEqualTo("SERVICE");
        assertThat(message.get("authorUserId").asString()).isEqualTo("alice");
        assertThat(message.get("sequence").asLong()).isEqualTo(1);
        assertThat(message.get("readAt").isNull()).isTrue();
        assertIso(message.get("createdAt"));
        assertThat(body.get("ticket").get("transactionId").asString()).isEqualTo(tx);

        Response again = post("/api/v1/transactions/" + tx + "/conversations",
                "{\"businessUserId\":\"bob\",\"organizationId\":\"" + org + "\",\"message\":\"Any news?\"}", STAFF);

        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        assertThat(again.body().get("created").asBoolean()).isFalse();
        assertThat(again.body().get("conversation").get("id")).isEqualTo(conversation.get("id"));
        assertThat(again.body().get("message").get("sequence").asLong()).isEqualTo(2);
    }

    @Test
    void openingATransactionChatFailsWithTheRightStatus() {
        String path = "/api/v1/transactions/" + tx + "/conversations";
        String ok = "{\"businessUserId\":\"bob\",\"organizationId\":\"" + org + "\",\"message\":\"hi\"}";

        assertErrors(post(path, ok, NOBODY), 401,
                "{\"errors\":[{\"field\":null,\"messages\":[\"authentication required\"]}]}");
        Response bySeller = post(path, ok, seller);
        assertThat(bySeller.status()).isEqualTo(403);
        assertThat(bySeller.body().get("errors").get(0).get("field").isNull()).isTrue();
        assertThat(bySeller.body().get("errors").get(0).get("messages").size()).isEqualTo(1);
        assertThat(post(path, ok, VIEWER_ONLY).status()).isEqualTo(403);
        assertThat(post("/api/v1/transactions/unknown-tx/conversations", ok, STAFF).status()).isEqualTo(404);
        assertErrors(post(path, "{\"organizationId\":\"" + org + "\",\"message\":\"hi\"}", STAFF), 400,
                "{\"errors\":[{\"field\":\"businessUserId\",\"messages\":[\"must not be blank\"]}]}");
        Response notOwner = post(path, "{\"businessUserId\":\"mallory\",\"message\":\"hi\"}", STAFF);
        assertThat(notOwner.status()).as(notOwner.raw()).isEqualTo(400);
        assertThat(notOwner.body().get("errors").get(0).get("field").asString()).isEqualTo("businessUserId");
        assertErrors(post(path, "{\"businessUserId\":\"bob\",\"organizationId\":\"" + org + "\",\"message\":\" \"}",
                STAFF), 400, "{\"errors\":[{\"field\":\"message\",\"messages\":[\"must not be blank\"]}]}");
        assertErrors(post(path, "{not json", STAFF), 400,
                "{\"errors\":[{\"field\":null,\"messages\":[\"the request body is not valid JSON of the expected shape\"]}]}");
    }

    // ---- POST /v1/conversations/{id}/messages -----------------------------------------------------

    @Test
    void postingMessages() {
        String id = open("Your payment is held").get("conversation").get("id").asString();
        String path = "/api/v1/conversations/" + id + "/messages";

        Response bySeller = post(path, "{\"message\":\"Why?\",\"clientMessageId\":\"m-1\"}", seller);
        assertThat(bySeller.status()).as(bySeller.raw()).isEqualTo(201);
        assertThat(bySeller.body().get("message").asString()).isEqualTo("Why?");
        assertThat(bySeller.body().get("sentByType").asString()).isEqualTo("BUSINESS");
        assertThat(bySeller.body().get("authorUserId").asString()).isEqualTo("bob");
        assertThat(bySeller.body().get("clientMessageId").asString()).isEqualTo("m-1");
        assertThat(bySeller.body().get("conversationId").asString()).isEqualTo(id);

        // a retry returns the first message, stores nothing
        Response retry = post(path, "{\"message\":\"Why?\",\"clientMessageId\":\"m-1\"}", seller);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body().get("id")).isEqualTo(bySeller.body().get("id"));

        Response conflict = post(path, "{\"message\":\"Because\",\"clientMessageId\":\"m-1\"}", STAFF);
        assertThat(conflict.status()).as(conflict.raw()).isEqualTo(409);
        assertThat(conflict.body().get("errors").size()).isEqualTo(1);
        assertThat(conflict.body().get("errors").get(0).get("field").asString()).isEqualTo("clientMessageId");
        assertThat(conflict.raw()).doesNotContain("Why?");

        assertThat(post(path, "{\"message\":\"let me in\"}", outsider).status()).isEqualTo(404);
        assertThat(post(path, "{\"message\":\"no permission\"}", VIEWER_ONLY).status()).isEqualTo(403);
        assertErrors(post(path, "{\"message\":\"hi\"}", NOBODY), 401,
                "{\"errors\":[{\"field\":null,\"messages\":[\"authentication required\"]}]}");
        assertErrors(post(path, "{}", seller), 400,
                "{\"errors\":[{\"field\":\"message\",\"messages\":[\"is required\"]}]}");
        Response badId = post("/api/v1/conversations/not-a-uuid/messages", "{\"message\":\"hi\"}", STAFF);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.body().get("errors").get(0).get("field").asString()).isEqualTo("conversationId");
        assertThat(post("/api/v1/conversations/00000000-0000-0000-0000-000000000000/messages",
                "{\"message\":\"hi\"}", STAFF).status()).isEqualTo(404);
    }

    // ---- POST /v1/conversations/{id}/messages/view --------------------------------------------------

    @Test
    void viewingMessagesPagesForward() {
        String id = open("one").get("conversation").get("id").asString();
        post("/api/v1/conversations/" + id + "/messages", "{\"message\":\"two\"}", seller);
        post("/api/v1/conversations/" + id + "/messages", "{\"message\":\"three\"}", STAFF);
        String path = "/api/v1/conversations/" + id + "/messages/view";

        Response page1 = post(path, "{\"first\":2}", seller);
        assertThat(page1.status()).as(page1.raw()).isEqualTo(200);
        assertThat(page1.body().get("totalCount").asLong()).isEqualTo(3);
        assertThat(page1.body().get("nodes")).extracting(n -> n.get("message").asString()).containsExactly("one", "two");
        JsonNode info = page1.body().get("pageInfo");
        assertThat(info.get("hasNextPage").asBoolean()).isTrue();
        assertThat(info.get("hasPreviousPage").asBoolean()).isFalse();
        assertThat(info.get("startCursor").isString()).isTrue();
        assertThat(info.get("endCursor").isString()).isTrue();

        Response page2 = post(path, "{\"first\":2,\"after\":\"" + info.get("endCursor").asString() + "\"}", seller);
        assertThat(page2.body().get("nodes")).extracting(n -> n.get("message").asString()).containsExactly("three");
        assertThat(page2.body().get("pageInfo").get("hasNextPage").asBoolean()).isFalse();
        assertThat(page2.body().get("pageInfo").get("hasPreviousPage").asBoolean()).isTrue();

        Response staffView = post(path, null, STAFF);
        assertThat(staffView.status()).isEqualTo(200);
        assertThat(staffView.body().get("nodes").size()).isEqualTo(3);

        Response forged = post(path, "{\"first\":2,\"after\":\"forged\"}", seller);
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.body().get("errors").get(0).get("field").asString()).isEqualTo("after");
        Response zero = post(path, "{\"first\":0}", seller);
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.body().get("errors").get(0).get("field").asString()).isEqualTo("first");
        assertThat(post(path, "{}", outsider).status()).isEqualTo(404);
        assertThat(post(path, "{}", NOBODY).status()).isEqualTo(401);
    }

    // ---- POST /v1/conversations/view ----------------------------------------------------------------

    @Test
    void viewingConversationsWithTheParticipantFilter() {
        String id = open("hello").get("conversation").get("id").asString();

        Response mine = post("/api/v1/conversations/view", "{}", seller);
        assertThat(mine.status()).as(mine.raw()).isEqualTo(200);
        assertThat(mine.body().get("totalCount").asLong()).isEqualTo(1);
        JsonNode node = mine.body().get("nodes").get(0);
        assertThat(node.get("id").asString()).isEqualTo(id);
        assertThat(node.get("messageCount").asLong()).isEqualTo(1);
        assertThat(node.get("unreadCount").asLong()).isEqualTo(1);
        assertThat(node.get("lastMessage").get("message").asString()).isEqualTo("hello");
        assertThat(mine.body().get("pageInfo").get("hasNextPage").asBoolean()).isFalse();

        Response theirs = post("/api/v1/conversations/view", null, outsider);
        assertThat(theirs.body()).isEqualTo(json("{\"nodes\":[],\"totalCount\":0,\"pageInfo\":{\"hasNextPage\":false,"
                + "\"hasPreviousPage\":false,\"startCursor\":null,\"endCursor\":null}}"));

        Response byOrg = post("/api/v1/conversations/view",
                "{\"participantId\":\"" + org + "\",\"participantType\":\"BUSINESS\",\"first\":10}", STAFF);
        assertThat(byOrg.body().get("nodes")).extracting(n -> n.get("id").asString()).containsExactly(id);
        Response wrongType = post("/api/v1/conversations/view",
                "{\"participantId\":\"" + org + "\",\"participantType\":\"SERVICE\"}", STAFF);
        assertThat(wrongType.body().get("totalCount").asLong()).isZero();

        assertErrors(post("/api/v1/conversations/view", "{\"participantType\":\"ROBOT\"}", STAFF), 400,
                "{\"errors\":[{\"field\":\"participantType\",\"messages\":[\"must be one of [SERVICE, BUSINESS]\"]}]}");
        assertThat(post("/api/v1/conversations/view", "{}", NOBODY).status()).isEqualTo(401);
    }

    // ---- POST /v1/conversations/{id}/read -----------------------------------------------------------

    @Test
    void markingRead() {
        String id = open("hello").get("conversation").get("id").asString();
        post("/api/v1/conversations/" + id + "/messages", "{\"message\":\"hi back\"}", seller);
        String path = "/api/v1/conversations/" + id + "/read";

        Response bySeller = post(path, "{\"sentBy\":\"SERVICE\"}", seller);
        assertThat(bySeller.status()).as(bySeller.raw()).isEqualTo(200);
        assertThat(bySeller.body().get("conversationId").asString()).isEqualTo(id);
        assertThat(bySeller.body().get("markedRead").asInt()).isEqualTo(1);
        assertIso(bySeller.body().get("readAt"));

        Response byStaff = post(path, "{\"sentBy\":\"BUSINESS\"}", STAFF);
        assertThat(byStaff.body().get("markedRead").asInt()).isEqualTo(1);
        Response messages = post("/api/v1/conversations/" + id + "/messages/view", "{}", STAFF);
        assertThat(messages.body().get("nodes")).allSatisfy(n -> assertIso(n.get("readAt")));

        assertErrors(post(path, "{\"sentBy\":\"Admin\"}", seller), 400,
                "{\"errors\":[{\"field\":\"sentBy\",\"messages\":[\"must be one of [SERVICE, BUSINESS]\"]}]}");
        assertErrors(post(path, "{}", seller), 400,
                "{\"errors\":[{\"field\":\"sentBy\",\"messages\":[\"must be SERVICE or BUSINESS\"]}]}");
        assertThat(post(path, "{\"sentBy\":\"SERVICE\"}", outsider).status()).isEqualTo(404);
        assertThat(post(path, "{\"sentBy\":\"SERVICE\"}", NOBODY).status()).isEqualTo(401);
    }

    // ---- GET /v1/transactions/{transactionId}/ticket ------------------------------------------------

    @Test
    void ticket() {
        String id = open("hello").get("conversation").get("id").asString();
        String path = "/api/v1/transactions/" + tx + "/ticket";

        Response byStaff = call("GET", path, null, STAFF);
        assertThat(byStaff.status()).as(byStaff.raw()).isEqualTo(200);
        assertThat(byStaff.body().get("transactionId").asString()).isEqualTo(tx);
        assertThat(byStaff.body().get("details")).isEqualTo(json("{\"amount\":\"10.00 EUR\",\"riskNote\":\"staff only\"}"));
        assertThat(byStaff.body().get("conversations")).extracting(c -> c.get("id").asString()).containsExactly(id);
        assertIso(byStaff.body().get("createdAt"));

        Response bySeller = call("GET", path, null, seller);
        assertThat(bySeller.status()).as(bySeller.raw()).isEqualTo(200);
        assertThat(bySeller.body().get("details")).isEqualTo(json("{}"));
        assertThat(bySeller.body().get("conversations")).extracting(c -> c.get("id").asString()).containsExactly(id);

        Response byOutsider = call("GET", path, null, outsider);
        assertThat(byOutsider.status()).as(byOutsider.raw()).isIn(403, 404);
        assertThat(byOutsider.raw()).doesNotContain("riskNote", id);
        assertThat(call("GET", "/api/v1/transactions/unknown-tx/ticket", null, STAFF).status()).isEqualTo(404);
        assertThat(call("GET", path, null, NOBODY).status()).isEqualTo(401);
    }

    // ---- DELETE /v1/conversations/{id} --------------------------------------------------------------

    @Test
    void deleting() {
        String id = open("hello").get("conversation").get("id").asString();
        String path = "/api/v1/conversations/" + id;

        assertThat(call("DELETE", path, null, seller).status()).isEqualTo(403);
        assertThat(call("DELETE", path, null, VIEWER_ONLY).status()).isEqualTo(403);
        assertThat(call("DELETE", path, null, NOBODY).status()).isEqualTo(401);
        Response deleted = call("DELETE", path, null, STAFF);
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
        assertThat(deleted.raw()).isEmpty();

        assertThat(post("/api/v1/conversations/view", "{}", seller).body().get("totalCount").asLong()).isZero();
        Response withDeleted = post("/api/v1/conversations/view",
                "{\"participantId\":\"" + org + "\",\"includeDeleted\":true}", STAFF);
        assertThat(withDeleted.body().get("nodes")).extracting(n -> n.get("status").asString()).containsExactly("DELETED");
        Response posting = post(path + "/messages", "{\"message\":\"too late\"}", STAFF);
        assertThat(posting.status()).as(posting.raw()).isEqualTo(409);
        assertThat(post(path + "/messages", "{\"message\":\"too late\"}", seller).status()).isEqualTo(404);
    }

    @Test
    void theBasePathIsApiByDefault() {
        assertThat(post("/v1/conversations/view", "{}", STAFF).status()).isEqualTo(404);
    }
}
