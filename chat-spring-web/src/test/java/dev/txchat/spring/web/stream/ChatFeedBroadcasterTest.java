package dev.txchat.spring.web.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.Audience;
import dev.txchat.core.ChatFeed;
import dev.txchat.core.ConversationId;
import dev.txchat.core.FeedBatch;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedHandler;
import dev.txchat.core.FeedPosition;
import dev.txchat.core.FeedSubscription;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.spi.ChatEvent;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The shared poller against an in-memory feed: a client that falls behind is dropped and never slows the others. */
class ChatFeedBroadcasterTest {

    static final Actor BOB = Actor.business("bob", "acme");

    /** A feed of appended entries, positions 1, 2, 3… */
    static final class ListFeed implements ChatFeed {
        final List<FeedEntry> entries = new CopyOnWriteArrayList<>();

        void append(Audience audience) {
            entries.add(new FeedEntry(FeedPosition.of(entries.size() + 1L),
                    new ChatEvent.ConversationDeleted(ConversationId.random(), Instant.now(), Actor.service("alice")),
                    audience, Instant.now()));
        }

        @Override
        public FeedBatch read(FeedPosition after, int max) {
            List<FeedEntry> out = new ArrayList<>();
            for (FeedEntry e : entries) {
                if (e.position().compareTo(after) > 0 && out.size() < max) {
                    out.add(e);
                }
            }
            return new FeedBatch(out, out.isEmpty() ? after : out.get(out.size() - 1).position());
        }

        @Override
        public FeedSubscription subscribe(String name, FeedHandler handler) {
            throw new UnsupportedOperationException();
        }
    }

    /** Records what it was sent; blocks every send while {@code gate} is closed. */
    static final class RecordingEmitter extends SseEmitter {
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        final CountDownLatch gate;
        final CountDownLatch completed = new CountDownLatch(1);

        RecordingEmitter(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void send(SseEventBuilder builder) throws IOException {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            sent.add(builder.build().stream().map(d -> String.valueOf(d.getData())).collect(Collectors.joining()));
        }

        @Override
        public void complete() {
            completed.countDown();
        }
    }

    @Test
    void aClientThatFallsBehindIsCompletedAndTheOthersKeepReceiving() throws Exception {
        ListFeed feed = new ListFeed();
        Audience acme = new Audience(Set.of(ParticipantRef.businessAccount("acme")), true);
        StreamSettings settings = new StreamSettings(Duration.ofMillis(10), Duration.ofHours(1), 20, Duration.ZERO,
                Duration.ofSeconds(10));
        CountDownLatch stuck = new CountDownLatch(1);
        try (ChatFeedBroadcaster broadcaster = new ChatFeedBroadcaster(feed, settings)) {
            RecordingEmitter slow = new RecordingEmitter(stuck);
            RecordingEmitter fast = new RecordingEmitter(new CountDownLatch(0));
            RecordingEmitter outsider = new RecordingEmitter(new CountDownLatch(0));
            assertThat(broadcaster.register(BOB, null, slow)).isTrue();
            assertThat(broadcaster.register(BOB, null, fast)).isTrue();
            assertThat(broadcaster.register(Actor.business("eve", "evil"), null, outsider)).isTrue();

            // five bursts of 10: the fast client keeps up with each; the stuck one overflows its 20
            List<String> ids = new ArrayList<>();
            for (int burst = 1; burst <= 5; burst++) {
                for (int i = 0; i < 10; i++) {
                    feed.append(acme);
                }
                String last = "f" + (burst * 10);
                while (!ids.contains(last)) {
                    String event = fast.sent.poll(10, TimeUnit.SECONDS);
                    assertThat(event).as("the fast client keeps receiving; got " + ids).isNotNull();
                    if (event.startsWith("id:")) {
                        ids.add(event.substring(3, event.indexOf('\n')));
                    }
                }
            }
            assertThat(slow.completed.await(10, TimeUnit.SECONDS)).as("the stuck client is dropped").isTrue();
            assertThat(ids).hasSize(50).doesNotHaveDuplicates();
            assertThat(broadcaster.connectionCount()).isEqualTo(2);
            assertThat(outsider.sent).allSatisfy(s -> assertThat(s).doesNotContain("id:"));
            assertThat(fast.completed.getCount()).isEqualTo(1);
            stuck.countDown();
        } finally {
            stuck.countDown();
        }
    }
}
