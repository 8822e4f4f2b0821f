package dev.txchat.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** {@code txchat.web.rest.base-path} moves every REST path. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "txchat.web.rest.base-path=/chat-api")
class BasePathTest extends WebTestSupport {

    @Test
    void theBasePathIsConfigurable() {
        Response moved = post("/chat-api/v1/conversations/view", "{}", STAFF);
        assertThat(moved.status()).as(moved.raw()).isEqualTo(200);
        assertThat(moved.body().get("totalCount").isNumber()).isTrue();
        assertThat(post("/api/v1/conversations/view", "{}", STAFF).status()).isEqualTo(404);
    }
}
