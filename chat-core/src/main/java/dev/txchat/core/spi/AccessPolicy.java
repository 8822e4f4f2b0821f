package dev.txchat.core.spi;

import dev.txchat.core.Actor;

/**
 * Decides whether an actor may perform an action at all. Implementations must be
 * thread-safe; they are called on every {@link dev.txchat.core.ChatService} call.
 *
 * <p>A policy can only narrow what the core allows: whatever it answers, business actors
 * act only inside conversations they participate in, and never open, start or delete
 * chats or manage participants.
 */
@FunctionalInterface
public interface AccessPolicy {

    /** Whether {@code actor} may perform {@code action}. */
    boolean permits(Actor actor, ChatAction action);

    /**
     * The default: staff need the permission {@link ChatAction#requiredPermission()} names;
     * business actors may view, post and mark read (inside their own conversations only).
     */
    static AccessPolicy permissionBased() {
        return PermissionBasedAccessPolicy.INSTANCE;
    }
}

/** Package-private so the singleton cannot be subclassed or replaced. */
enum PermissionBasedAccessPolicy implements AccessPolicy {
    INSTANCE;

    @Override
    public boolean permits(Actor actor, ChatAction action) {
        if (actor.isService()) {
            return actor.hasPermission(action.requiredPermission());
        }
        return action.openToBusiness();
    }

    @Override
    public String toString() {
        return "AccessPolicy.permissionBased()";
    }
}
