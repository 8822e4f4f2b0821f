package dev.txchat.examples.web;

import dev.txchat.core.Actor;
import dev.txchat.spring.web.ActorResolver;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;

/**
 * <strong>DEMO ONLY — NO AUTHENTICATION.</strong> Takes the acting user from the query
 * parameter {@code as} (or the header {@code X-Chat-As}), believing whatever it says:
 * <ul>
 *   <li>{@code operator} → {@code Actor.service("operator", <all ChatPermissions>)};</li>
 *   <li>{@code seller-<org>} → {@code Actor.business("seller-<org>", "<org>")}, e.g.
 *       {@code seller-acme} → {@code Actor.business("seller-acme", "acme")};</li>
 *   <li>anything else or nothing → {@code null} (401).</li>
 * </ul>
 * Never use this in a real application: resolve the {@link Actor} from the authenticated
 * principal (Spring Security, a gateway's verified token…).
 */
final class DemoActorResolver implements ActorResolver {

    private static final Pattern SELLER = Pattern.compile("seller-([a-z0-9][a-z0-9-]{0,39})");

    static Actor operator() {
        return Actor.service("operator", ChatWebApp.allPermissions());
    }

    @Override
    public Actor resolve(HttpServletRequest request) {
        String as = request.getParameter("as");
        if (as == null || as.isBlank()) {
            as = request.getHeader("X-Chat-As");
        }
        if (as == null) {
            return null;
        }
        as = as.trim();
        if (as.equals("operator")) {
            return operator();
        }
        var seller = SELLER.matcher(as);
        return seller.matches() ? Actor.business(as, seller.group(1)) : null;
    }
}
