package dev.txchat.core.spi;

/**
 * Hears what happened, after it was committed. Called on the service's event thread, in commit order,
 * once per event, only for committed work; the call that caused an event waits for it at most
 * {@link dev.txchat.core.ChatServiceBuilder#listenerTimeout the listener timeout}. An exception thrown here is logged and never
 * fails the call; implementations should hand slow work to their own executor.
 */
@FunctionalInterface
public interface ChatEventListener {

    /** @param event a committed event, never null */
    void onEvent(ChatEvent event);
}
