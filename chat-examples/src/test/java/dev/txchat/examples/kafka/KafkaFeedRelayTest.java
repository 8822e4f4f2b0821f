package dev.txchat.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.jdbi.JdbiChatStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay against a real Kafka broker (KRaft, one combined node) started inside the test
 * JVM: every message posted into three conversations arrives in the topic once, keyed by its
 * conversation, and each conversation's messages arrive in sequence order although the topic
 * has three partitions.
 */
class KafkaFeedRelayTest {

    private static final Pattern SEQUENCE = Pattern.compile("\"sequence\":(\\d+)");

    @Test
    @Timeout(180)
    void everyPostedMessageReachesTheTopicOnceInConversationOrder() throws Exception {
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
             HikariDataSource database = h2()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            String topic = "txchat-feed";
            try (var admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
            JdbiChatStore store = JdbiChatStore.create(database);
            store.migrate();
            try (ChatService chat = ChatService.builder().store(store).feedPollInterval(Duration.ofMillis(20)).build()) {
                Properties producer = new Properties();
                producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                Actor staff = Actor.service("relay-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
                        ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);
                List<ConversationId> conversations = new ArrayList<>();
                try (KafkaFeedRelay relay = KafkaFeedRelay.start(chat.feed(), topic, producer)) {
                    for (int c = 0; c < 3; c++) {
                        conversations.add(chat.startConversation(staff, new StartConversation(
                                ParticipantRef.businessUser("seller-" + c, "org-" + c), "relay " + c, null)).id());
                    }
                    for (int i = 1; i <= 20; i++) {
                        for (ConversationId id : conversations) {
                            chat.postMessage(staff, id, NewMessage.of("message " + i));
                        }
                    }

                    Map<String, List<Long>> sequencesByKey = consume(kafka.bootstrapServers(), topic, 63);

                    assertThat(sequencesByKey.keySet()).containsExactlyInAnyOrderElementsOf(
                            conversations.stream().map(ConversationId::toString).toList());
                    for (List<Long> sequences : sequencesByKey.values()) {
                        assertThat(sequences).containsExactlyElementsOf(
                                java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
                    }
                }
            }
        }
    }

    /** Reads until {@code expected} records arrived; the MessagePosted sequences per key, in arrival order. */
    private static Map<String, List<Long>> consume(String servers, String topic, int expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, List<Long>> sequences = new HashMap<>();
        int received = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (received < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received++;
                    String type = new String(record.headers().lastHeader("txchat-type").value(), StandardCharsets.UTF_8);
                    assertThat(record.value()).contains("\"conversationId\":\"" + record.key() + "\"");
                    if (type.equals("MessagePosted")) {
                        Matcher m = SEQUENCE.matcher(record.value());
                        assertThat(m.find()).isTrue();
                        sequences.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(m.group(1)));
                    }
                }
            }
        }
        assertThat(received).as("records in the topic").isEqualTo(expected);
        return sequences;
    }

    private static HikariDataSource h2() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:relay-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }
}
