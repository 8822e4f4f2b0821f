package dev.txchat.core.spi;

/**
 * Hears what happened, after it was committed. Called on the thread that made the call,
 * once per event, only for committed work. An exception thrown here is logged and never
 * fails the call; implementations should hand slow work to their own executor.
 */
@FunctionalInterface
public interface ChatEventListener {

    void onEvent(ChatEvent event);
}
