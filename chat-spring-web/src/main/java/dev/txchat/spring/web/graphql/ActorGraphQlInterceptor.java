package dev.txchat.spring.web.graphql;

import dev.txchat.core.Actor;
import dev.txchat.spring.web.ActorResolver;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Objects;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import reactor.core.publisher.Mono;

/**
 * Carries the request's {@link Actor} into GraphQL: as a servlet {@link Filter} on the GraphQL
 * path it asks the {@link ActorResolver} on the request thread (after the host's security
 * filters) and keeps the actor as a request attribute; as a {@link WebGraphQlInterceptor} it
 * copies that attribute into the GraphQL context under {@link #ACTOR}, where
 * {@link ChatGraphQlController} reads it (GraphQL may run off the request thread, so thread
 * locals such as Spring Security's context are not relied upon there).
 *
 * <p>Thread-safety: stateless apart from the thread-safe resolver.
 */
public class ActorGraphQlInterceptor implements WebGraphQlInterceptor, Filter {

    /** Key of the actor in the request attributes and the GraphQL context. */
    public static final String ACTOR = "dev.txchat.spring.web.actor";

    private final ActorResolver actors;

    /** @param actors who the caller is */
    public ActorGraphQlInterceptor(ActorResolver actors) {
        this.actors = Objects.requireNonNull(actors, "actors");
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http) {
            request.removeAttribute(ACTOR);
            Actor actor = actors.resolve(http);
            if (actor != null) {
                request.setAttribute(ACTOR, actor);
            }
        }
        chain.doFilter(request, response);
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        Object actor = request.getAttributes().get(ACTOR);
        if (actor instanceof Actor resolved) {
            request.configureExecutionInput((input, builder) ->
                    builder.graphQLContext(context -> context.put(ACTOR, resolved)).build());
        }
        return chain.next(request);
    }
}
