package dev.txchat.examples.kafka;

import dev.txchat.core.ChatFeed;
import dev.txchat.core.FeedEntry;
import dev.txchat.core.FeedSubscription;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the chat's change feed to a Kafka topic: one record per feed entry, keyed by
 * conversation id (so one conversation's entries stay in order, in one partition), its value
 * {@link FeedEntry#toJson()}, with headers {@code txchat-position} and {@code txchat-type}.
 *
 * <p>It is an ordinary feed subscription: the checkpoint lives in the chat database under
 * the subscription's name, the relay runs on one node at a time even if every node starts
 * it, and it moves on only after Kafka acknowledged the record (the send waits for the ack,
 * with the producer's idempotence on). Delivery is at least once: after a crash the records
 * since the last checkpoint are sent again, carrying the same {@code txchat-position}, by
 * which consumers can drop repeats.
 *
 * <p>The alternative without code is Debezium's outbox event router on the feed table; see
 * the README section "Change feed".
 */
public final class KafkaFeedRelay implements AutoCloseable {

    /** The subscription name unless another is given. */
    public static final String DEFAULT_SUBSCRIPTION = "kafka-relay";
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final KafkaProducer<String, String> producer;
    private final FeedSubscription subscription;

    private KafkaFeedRelay(ChatFeed feed, String subscriptionName, String topic, Properties producerConfig) {
        Properties config = new Properties();
        config.putAll(producerConfig);
        config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        this.subscription = feed.subscribe(subscriptionName, entry -> send(topic, entry));
    }

    /**
     * Starts relaying {@code feed} to {@code topic}.
     *
     * @param producerConfig at least {@code bootstrap.servers}
     */
    public static KafkaFeedRelay start(ChatFeed feed, String topic, Properties producerConfig) {
        return start(feed, DEFAULT_SUBSCRIPTION, topic, producerConfig);
    }

    /** Starts relaying under a subscription name of its own (one checkpoint per name). */
    public static KafkaFeedRelay start(ChatFeed feed, String subscriptionName, String topic, Properties producerConfig) {
        Objects.requireNonNull(feed, "feed");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(producerConfig, "producerConfig");
        return new KafkaFeedRelay(feed, subscriptionName, topic, producerConfig);
    }

    private void send(String topic, FeedEntry entry) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic,
                entry.event().conversationId().toString(), entry.toJson());
        record.headers().add(new RecordHeader("txchat-position",
                entry.position().toString().getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("txchat-type",
                entry.event().getClass().getSimpleName().getBytes(StandardCharsets.UTF_8)));
        // waiting for the ack keeps the checkpoint behind what Kafka has really stored
        producer.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops the subscription (after the record in hand), then the producer. */
    @Override
    public void close() {
        subscription.close();
        producer.close();
    }
}
