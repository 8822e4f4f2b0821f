package dev.txchat.jdbi.internal;

import dev.txchat.core.ConversationId;
import dev.txchat.core.Participant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The participants of recently used conversations, each list tagged with the conversation
 * row's {@code participants_version} it was read with. A writer locks the conversation row
 * and gets the version in the same statement; when it matches, the participants need no
 * second read. Every change of participants writes a new random version in the same
 * transaction, so a cached list is never used after a change committed on any node, and a
 * rolled-back change (whose version is never seen again) cannot make an old list look current.
 *
 * <p>Only lists read consistently with their version are cached: under the row lock, or in
 * the same statement as the version. A host that edits participants with its own SQL must
 * change the version too (any new value), or the nodes keep using what they cached.
 *
 * <p>Thread-safe. Bounded: when it holds {@link #MAX_CONVERSATIONS} conversations it starts
 * over empty, which costs one read per conversation and needs no bookkeeping per hit.
 */
public final class ParticipantsCache {
    /** Conversations kept before the cache starts over. */
    static final int MAX_CONVERSATIONS = 10_000;

    private record Entry(long version, List<Participant> participants) {
    }

    private final ConcurrentHashMap<ConversationId, Entry> entries = new ConcurrentHashMap<>();

    /** The participants of {@code id} at {@code version}, or null if not cached at that version. */
    List<Participant> get(ConversationId id, long version) {
        Entry entry = entries.get(id);
        return entry != null && entry.version == version ? entry.participants : null;
    }

    void put(ConversationId id, long version, List<Participant> participants) {
        if (entries.size() >= MAX_CONVERSATIONS) {
            entries.clear();
        }
        entries.put(id, new Entry(version, List.copyOf(participants)));
    }
}
