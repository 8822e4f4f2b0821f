package dev.txchat.spring.web.graphql;

import dev.txchat.core.ChatService;
import dev.txchat.spring.TxchatAutoConfiguration;
import dev.txchat.spring.web.ActorResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.graphql.autoconfigure.GraphQlAutoConfiguration;
import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.graphql.execution.GraphQlSource;

/**
 * Marketplacer-shaped GraphQL when {@code txchat.web.graphql.enabled=true} in a servlet
 * application with Spring for GraphQL and a {@link ChatService} bean: adds txchat's schema
 * ({@code dev/txchat/spring/web/graphql/txchat.graphqls}, defining {@code Query} and
 * {@code Mutation}) to Spring Boot's GraphQL source, the {@link ChatGraphQlController},
 * {@link ChatGraphQlExceptionResolver}, and {@link ActorGraphQlInterceptor} (as interceptor and
 * as a filter on {@code spring.graphql.http.path}, default {@code /graphql}). The host provides
 * an {@link ActorResolver} bean. Runs before Spring Boot's GraphQL auto-configuration, which then
 * finds the schema through the customizer even when the host has no schema files.
 *
 * <p>Thread-safety: used once while the context starts; the beans are thread-safe.
 */
@AutoConfiguration(before = GraphQlAutoConfiguration.class, after = TxchatAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(GraphQlSource.class)
@ConditionalOnProperty(prefix = "txchat.web.graphql", name = "enabled", havingValue = "true")
@ConditionalOnBean(ChatService.class)
public class TxchatGraphQlAutoConfiguration {

    /** Where txchat's schema is on the classpath. */
    public static final String SCHEMA = "dev/txchat/spring/web/graphql/txchat.graphqls";

    /** @return adds txchat's schema to the host's GraphQL source */
    @Bean
    public GraphQlSourceBuilderCustomizer txchatGraphQlSchema() {
        return builder -> builder.schemaResources(new ClassPathResource(SCHEMA));
    }

    /**
     * @param chat the chat service
     * @return the controller of the three operations
     */
    @Bean
    @ConditionalOnMissingBean
    public ChatGraphQlController txchatGraphQlController(ChatService chat) {
        return new ChatGraphQlController(chat);
    }

    /** @return txchat's exceptions as classified GraphQL errors */
    @Bean
    @ConditionalOnMissingBean
    public ChatGraphQlExceptionResolver txchatGraphQlExceptionResolver() {
        return new ChatGraphQlExceptionResolver();
    }

    /**
     * @param actors the host's resolver
     * @return the interceptor putting the actor into the GraphQL context
     */
    @Bean
    public ActorGraphQlInterceptor txchatActorGraphQlInterceptor(ActorResolver actors) {
        return new ActorGraphQlInterceptor(actors);
    }

    /**
     * The same object as a filter on the GraphQL path, after the host's security filters.
     *
     * @param interceptor the interceptor above
     * @param environment for {@code spring.graphql.http.path}
     * @return the registration
     */
    @Bean
    public FilterRegistrationBean<ActorGraphQlInterceptor> txchatActorGraphQlFilter(
            ActorGraphQlInterceptor interceptor, Environment environment) {
        FilterRegistrationBean<ActorGraphQlInterceptor> registration = new FilterRegistrationBean<>(interceptor);
        registration.addUrlPatterns(environment.getProperty("spring.graphql.http.path", "/graphql"));
        registration.setOrder(0);
        return registration;
    }
}
