package dev.txchat.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.jdbi.ChatStoreException;
import dev.txchat.spring.TxchatAutoConfiguration;
import dev.txchat.spring.web.graphql.ChatGraphQlController;
import dev.txchat.spring.web.graphql.TxchatGraphQlAutoConfiguration;
import dev.txchat.spring.web.rest.ChatRestController;
import dev.txchat.spring.web.rest.TxchatRestAutoConfiguration;
import dev.txchat.testkit.InMemoryChatStore;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** A database failure never shows in a response; each surface is off unless switched on. */
class ErrorMappingAndConditionsTest {

    @Test
    void aStoreFailureIsA500WithAGenericMessage() throws Exception {
        ChatService failing = (ChatService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ChatService.class}, (proxy, method, args) -> {
                    throw new ChatStoreException("SELECT secret FROM chat_messages WHERE id = 42 failed",
                            new SQLException("relation chat_messages does not exist", "42P01"));
                });
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new ChatRestController(failing,
                request -> Actor.business("bob", "acme"))).build();

        MockHttpServletResponse response = mvc.perform(post("/api/v1/conversations/view")
                .contentType("application/json").content("{}")).andReturn().getResponse();

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getContentAsString())
                .isEqualTo("{\"errors\":[{\"field\":null,\"messages\":[\"internal error\"]}]}");
    }

    static WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TxchatAutoConfiguration.class,
                        TxchatRestAutoConfiguration.class, TxchatGraphQlAutoConfiguration.class))
                .withBean(InMemoryChatStore.class, InMemoryChatStore::new)
                .withBean(ActorResolver.class, () -> request -> null);
    }

    @Test
    void bothSurfacesAreOffByDefault() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ChatService.class);
            assertThat(context).doesNotHaveBean(ChatRestController.class);
            assertThat(context).doesNotHaveBean(ChatGraphQlController.class);
        });
    }

    @Test
    void eachSurfaceHasItsOwnSwitch() {
        runner().withPropertyValues("txchat.web.rest.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(ChatRestController.class);
            assertThat(context).doesNotHaveBean(ChatGraphQlController.class);
        });
        runner().withPropertyValues("txchat.web.graphql.enabled=true").run(context -> {
            assertThat(context).doesNotHaveBean(ChatRestController.class);
            assertThat(context).hasSingleBean(ChatGraphQlController.class);
        });
    }
}
