package dev.txchat.spring.web;

import dev.txchat.core.Actor;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Maps the caller of an HTTP request to the txchat {@link Actor} it acts as. The host provides
 * exactly one bean of this type; every txchat web surface (REST, GraphQL, the event stream)
 * asks it once per request, on the request's servlet thread (after the host's security
 * filters ran, so {@code SecurityContextHolder} and {@link HttpServletRequest#getUserPrincipal()}
 * are populated).
 *
 * <p>Return {@code null} when the request is not authenticated: the surfaces answer 401
 * (REST, stream) or an {@code UNAUTHORIZED} GraphQL error. Never derive an actor from
 * unauthenticated input (a header the client chooses, a query parameter): the actor decides
 * what the caller may read and write.
 *
 * <p>Example with Spring Security, staff holding a {@code ROLE_STAFF} authority and
 * txchat permissions as authorities, business users carrying their organization as a JWT
 * claim:
 * <pre>{@code
 * @Bean
 * ActorResolver txchatActorResolver() {
 *     return request -> {
 *         Authentication auth = SecurityContextHolder.getContext().getAuthentication();
 *         if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
 *             return null;                                   // -> 401
 *         }
 *         Set<String> authorities = auth.getAuthorities().stream()
 *                 .map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
 *         if (authorities.contains("ROLE_STAFF")) {
 *             return new Actor(ParticipantType.SERVICE, auth.getName(), null, authorities);
 *         }
 *         Jwt jwt = (Jwt) auth.getPrincipal();
 *         return Actor.business(auth.getName(), jwt.getClaimAsString("org"));
 *     };
 * }
 * }</pre>
 * A resolver that only needs the principal can be written as
 * {@code request -> toActor(request.getUserPrincipal())} (the principal is {@code null} when
 * unauthenticated).
 *
 * <p>Thread-safety: implementations must be thread-safe; they are called concurrently by
 * every request thread.
 */
@FunctionalInterface
public interface ActorResolver {

    /**
     * The actor the request acts as.
     *
     * @param request the current request, on its servlet thread
     * @return the actor, or {@code null} when the request is not authenticated
     */
    Actor resolve(HttpServletRequest request);
}
