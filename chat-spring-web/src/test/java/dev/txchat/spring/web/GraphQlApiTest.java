package dev.txchat.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/**
 * The three Marketplacer operations over real HTTP ({@code POST /graphql}), as a seller, as the
 * operator, as another seller and unauthenticated.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GraphQlApiTest extends WebTestSupport {

    /** The operations exactly as API-SHAPES.md writes them. */
    static final String SEND_MESSAGE_TO_OPERATOR = """
            mutation SendMessageToOperator {
              chatMessageCreate(input: { message: "Can you check when my remittance will be paid?" }) {
                chatMessage { id }
                errors { field messages }
              }
            }
            """;
    static final String GET_CHAT_MESSAGES = """
            query GetChatMessages {
              chatMessages(first: 10, after: null) {
                totalCount
                pageInfo { hasNextPage endCursor }
                nodes { id createdAt message readAt sentByType }
              }
            }
            """;
    static final String CONFIRM_READ_OF_CHAT_MESSAGE = """
            mutation ConfirmReadOfChatMessage {
              chatMessageRead(input: { sentBy: "Admin" }) {
                errors { messages field }
              }
            }
            """;

    static final String OPERATOR_CREATE = """
            mutation($sellerId: ID, $message: String) {
              chatMessageCreate(input: { message: $message, sellerId: $sellerId }) {
                chatMessage { id createdAt message readAt sentByType }
                errors { field messages }
              }
            }
            """;
    static final String OPERATOR_MESSAGES = """
            query($sellerId: ID, $first: Int, $after: String) {
              chatMessages(first: $first, after: $after, sellerId: $sellerId) {
                totalCount
                pageInfo { hasNextPage endCursor }
                nodes { id createdAt message readAt sentByType }
              }
            }
            """;
    static final String READ = """
            mutation($sentBy: String, $sellerId: ID) {
              chatMessageRead(input: { sentBy: $sentBy, sellerId: $sellerId }) { errors { field messages } }
            }
            """;

    Response graphql(String document, Map<String, Object> variables, String... headers) {
        Map<String, Object> body = variables == null ? Map.of("query", document)
                : Map.of("query", document, "variables", variables);
        return post("/graphql", JSON.writeValueAsString(body), headers);
    }

    static void assertIso(JsonNode node) {
        assertThat(node.isString()).as("%s is a string", node).isTrue();
        assertThat(Instant.parse(node.asString())).isNotNull();
    }

    @Test
    void theThreeOperationsVerbatimAsASellerAndAsTheOperator() {
        String org = unique("shop");
        String[] seller = business("sam", org);

        // the seller: SendMessageToOperator
        Response created = graphql(SEND_MESSAGE_TO_OPERATOR, null, seller);
        assertThat(created.status()).as(created.raw()).isEqualTo(200);
        assertThat(created.body().has("errors")).as(created.raw()).isFalse();
        JsonNode payload = created.body().get("data").get("chatMessageCreate");
        String messageId = payload.get("chatMessage").get("id").asString();
        assertThat(payload.get("chatMessage").get("id").isString()).isTrue();
        assertThat(payload).isEqualTo(json("{\"chatMessage\":{\"id\":\"" + messageId + "\"},\"errors\":[]}"));

        // the operator answers in the seller's thread
        Response answer = graphql(OPERATOR_CREATE, Map.of("sellerId", org, "message", "Tomorrow."), STAFF);
        JsonNode answerPayload = answer.body().get("data").get("chatMessageCreate");
        assertThat(answerPayload.get("errors")).as(answer.raw()).isEqualTo(json("[]"));
        assertThat(answerPayload.get("chatMessage").get("sentByType").asString()).isEqualTo("Admin");
        assertThat(answerPayload.get("chatMessage").get("message").asString()).isEqualTo("Tomorrow.");
        String answerId = answerPayload.get("chatMessage").get("id").asString();

        // the seller: GetChatMessages
        Response messages = graphql(GET_CHAT_MESSAGES, null, seller);
        assertThat(messages.body().has("errors")).as(messages.raw()).isFalse();
        JsonNode connection = messages.body().get("data").get("chatMessages");
        assertThat(connection.get("totalCount").asInt()).isEqualTo(2);
        assertThat(connection.get("pageInfo").get("hasNextPage").asBoolean()).isFalse();
        assertThat(connection.get("pageInfo").get("endCursor").isString()).isTrue();
        JsonNode first = connection.get("nodes").get(0);
        assertThat(first.get("id").asString()).isEqualTo(messageId);
        assertThat(first.get("message").asString()).isEqualTo("Can you check when my remittance will be paid?");
        assertThat(first.get("sentByType").asString()).isEqualTo("Seller");
        assertThat(first.get("readAt").isNull()).isTrue();
        assertIso(first.get("createdAt"));
        JsonNode second = connection.get("nodes").get(1);
        assertThat(second.get("id").asString()).isEqualTo(answerId);
        assertThat(second.get("sentByType").asString()).isEqualTo("Admin");
        assertThat(second.get("readAt").isNull()).isTrue();
        assertThat(second.properties()).extracting(Map.Entry::getKey)
                .containsExactly("id", "createdAt", "message", "readAt", "sentByType");

        // the seller: ConfirmReadOfChatMessage (reads the operator's messages)
        Response read = graphql(CONFIRM_READ_OF_CHAT_MESSAGE, null, seller);
        assertThat(read.body()).as(read.raw()).isEqualTo(json("{\"data\":{\"chatMessageRead\":{\"errors\":[]}}}"));
        JsonNode afterRead = graphql(GET_CHAT_MESSAGES, null, seller).body().get("data").get("chatMessages")
                .get("nodes");
        assertThat(afterRead.get(0).get("readAt").isNull()).isTrue();
        assertIso(afterRead.get(1).get("readAt"));

        // the operator, verbatim: there is no sellerId in them, and the operator must name the seller
        Response operatorCreate = graphql(SEND_MESSAGE_TO_OPERATOR, null, STAFF);
        assertThat(operatorCreate.body()).as(operatorCreate.raw()).isEqualTo(json("{\"data\":{\"chatMessageCreate\":"
                + "{\"chatMessage\":null,\"errors\":[{\"field\":\"sellerId\",\"messages\":[\"is required for the operator\"]}]}}}"));
        Response operatorRead = graphql(CONFIRM_READ_OF_CHAT_MESSAGE, null, STAFF);
        assertThat(operatorRead.body()).as(operatorRead.raw()).isEqualTo(json("{\"data\":{\"chatMessageRead\":"
                + "{\"errors\":[{\"messages\":[\"is required for the operator\"],\"field\":\"sellerId\"}]}}}"));
        Response operatorList = graphql(GET_CHAT_MESSAGES, null, STAFF);
        assertThat(operatorList.body().get("data").isNull()).as(operatorList.raw()).isTrue();
        JsonNode error = operatorList.body().get("errors").get(0);
        assertThat(error.get("extensions").get("classification").asString()).isEqualTo("BAD_REQUEST");
        assertThat(error.get("extensions").get("errors")).isEqualTo(
                json("[{\"field\":\"sellerId\",\"messages\":[\"is required for the operator\"]}]"));

        // the operator with sellerId: sees the thread, reads the seller's message
        JsonNode operatorView = graphql(OPERATOR_MESSAGES, Map.of("sellerId", org, "first", 10), STAFF).body()
                .get("data").get("chatMessages");
        assertThat(operatorView.get("nodes")).extracting(n -> n.get("id").asString()).containsExactly(messageId, answerId);
        Response operatorReads = graphql(READ, Map.of("sentBy", "Seller", "sellerId", org), STAFF);
        assertThat(operatorReads.body()).as(operatorReads.raw())
                .isEqualTo(json("{\"data\":{\"chatMessageRead\":{\"errors\":[]}}}"));
        JsonNode sellerView = graphql(GET_CHAT_MESSAGES, null, seller).body().get("data").get("chatMessages").get("nodes");
        assertIso(sellerView.get(0).get("readAt"));
    }

    @Test
    void aSellerReachesOnlyItsOwnThread() {
        String org = unique("shop");
        String[] seller = business("sam", org);
        String[] otherSeller = business("olga", unique("shop"));
        graphql(SEND_MESSAGE_TO_OPERATOR, null, seller);

        JsonNode others = graphql(GET_CHAT_MESSAGES, null, otherSeller).body().get("data").get("chatMessages");
        assertThat(others.get("totalCount").asInt()).isZero();
        assertThat(others.get("nodes")).isEmpty();

        Response intoTheOther = graphql(OPERATOR_CREATE, Map.of("sellerId", org, "message", "let me in"), otherSeller);
        assertThat(intoTheOther.body()).as(intoTheOther.raw()).isEqualTo(json("{\"data\":{\"chatMessageCreate\":"
                + "{\"chatMessage\":null,\"errors\":[{\"field\":\"sellerId\",\"messages\":[\"a seller reaches only its own thread\"]}]}}}"));
        Response listTheOther = graphql(OPERATOR_MESSAGES, Map.of("sellerId", org), otherSeller);
        assertThat(listTheOther.body().get("errors").get(0).get("extensions").get("classification").asString())
                .isEqualTo("BAD_REQUEST");
        assertThat(listTheOther.raw()).doesNotContain("remittance");
        Response readTheOther = graphql(READ, Map.of("sentBy", "Admin", "sellerId", org), otherSeller);
        assertThat(readTheOther.body().get("data").get("chatMessageRead").get("errors").get(0).get("field").asString())
                .isEqualTo("sellerId");
        // naming its own organization is allowed
        Response own = graphql(OPERATOR_MESSAGES, Map.of("sellerId", org), seller);
        assertThat(own.body().get("data").get("chatMessages").get("totalCount").asInt()).isEqualTo(1);
        // the first seller's thread is untouched
        assertThat(graphql(OPERATOR_MESSAGES, Map.of("sellerId", org), STAFF).body().get("data").get("chatMessages")
                .get("totalCount").asInt()).isEqualTo(1);
    }

    @Test
    void mutationErrorsAreData() {
        String org = unique("shop");
        String[] seller = business("sam", org);

        Response blank = graphql(OPERATOR_CREATE, Map.of("message", "   "), seller);
        assertThat(blank.body()).as(blank.raw()).isEqualTo(json("{\"data\":{\"chatMessageCreate\":"
                + "{\"chatMessage\":null,\"errors\":[{\"field\":\"message\",\"messages\":[\"must not be blank\"]}]}}}"));
        Response missing = graphql(OPERATOR_CREATE, Map.of(), seller);
        assertThat(missing.body()).as(missing.raw()).isEqualTo(json("{\"data\":{\"chatMessageCreate\":"
                + "{\"chatMessage\":null,\"errors\":[{\"field\":\"message\",\"messages\":[\"is required\"]}]}}}"));
        Response badClass = graphql(READ, Map.of("sentBy", "Robot"), seller);
        assertThat(badClass.body()).as(badClass.raw()).isEqualTo(json("{\"data\":{\"chatMessageRead\":"
                + "{\"errors\":[{\"field\":\"sentBy\",\"messages\":[\"must be \\\"Admin\\\" or \\\"Seller\\\"\"]}]}}}"));
        Response staffWithoutPermission = graphql(OPERATOR_CREATE, Map.of("sellerId", org, "message", "hi"), VIEWER_ONLY);
        JsonNode denied = staffWithoutPermission.body().get("data").get("chatMessageCreate");
        assertThat(denied.get("chatMessage").isNull()).isTrue();
        assertThat(denied.get("errors").get(0).get("field").isNull()).isTrue();
        assertThat(denied.get("errors").get(0).get("messages").size()).isEqualTo(1);
    }

    @Test
    void pagingForwardWithEndCursor() {
        String org = unique("shop");
        for (int i = 1; i <= 3; i++) {
            graphql(OPERATOR_CREATE, Map.of("sellerId", org, "message", "m" + i), STAFF);
        }
        JsonNode page1 = graphql(OPERATOR_MESSAGES, Map.of("sellerId", org, "first", 2), STAFF).body().get("data")
                .get("chatMessages");
        assertThat(page1.get("totalCount").asInt()).isEqualTo(3);
        assertThat(page1.get("nodes")).extracting(n -> n.get("message").asString()).containsExactly("m1", "m2");
        assertThat(page1.get("pageInfo").get("hasNextPage").asBoolean()).isTrue();
        String cursor = page1.get("pageInfo").get("endCursor").asString();
        JsonNode page2 = graphql(OPERATOR_MESSAGES, Map.of("sellerId", org, "first", 2, "after", cursor), STAFF)
                .body().get("data").get("chatMessages");
        assertThat(page2.get("nodes")).extracting(n -> n.get("message").asString()).containsExactly("m3");
        assertThat(page2.get("pageInfo").get("hasNextPage").asBoolean()).isFalse();

        Response forged = graphql(OPERATOR_MESSAGES, Map.of("sellerId", org, "first", 2, "after", "forged"), STAFF);
        JsonNode error = forged.body().get("errors").get(0);
        assertThat(error.get("extensions").get("classification").asString()).isEqualTo("BAD_REQUEST");
        assertThat(error.get("extensions").get("errors").get(0).get("field").asString()).isEqualTo("after");
        assertThat(error.get("path")).isEqualTo(json("[\"chatMessages\"]"));
    }

    @Test
    void unauthenticatedCallsGetUnauthorized() {
        for (String document : new String[] {SEND_MESSAGE_TO_OPERATOR, GET_CHAT_MESSAGES, CONFIRM_READ_OF_CHAT_MESSAGE}) {
            Response r = graphql(document, null, NOBODY);
            assertThat(r.body().get("data").isNull() || r.body().get("data").properties().iterator().next().getValue()
                    .isNull()).as(r.raw()).isTrue();
            JsonNode error = r.body().get("errors").get(0);
            assertThat(error.get("message").asString()).isEqualTo("authentication required");
            assertThat(error.get("extensions").get("classification").asString()).isEqualTo("UNAUTHORIZED");
        }
    }
}
