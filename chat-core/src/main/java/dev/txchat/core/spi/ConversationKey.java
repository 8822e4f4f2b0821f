package dev.txchat.core.spi;

import dev.txchat.core.ConversationId;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * Position of a conversation in conversation lists, which run newest activity first:
 * descending {@code lastActivityAt}, then descending id, where ids compare as their
 * canonical lowercase string ({@code id.toString()}), byte by byte. Every store must
 * order by exactly this so cursors mean the same everywhere.
 *
 * @param lastActivityAt the conversation's last activity
 * @param id             the conversation id, the tie breaker
 */
public record ConversationKey(Instant lastActivityAt, ConversationId id) {

    /** List order: newest activity first, then id descending. */
    public static final Comparator<ConversationKey> LIST_ORDER = Comparator
            .comparing(ConversationKey::lastActivityAt)
            .thenComparing(k -> k.id().toString())
            .reversed();

    public ConversationKey {
        Objects.requireNonNull(lastActivityAt, "lastActivityAt");
        Objects.requireNonNull(id, "id");
    }
}
