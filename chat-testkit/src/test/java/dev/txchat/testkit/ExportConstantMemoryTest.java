package dev.txchat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.Conversation;
import dev.txchat.core.ConversationId;
import dev.txchat.core.ConversationKind;
import dev.txchat.core.ConversationStatus;
import dev.txchat.core.Message;
import dev.txchat.core.MessageId;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.Participant;
import dev.txchat.core.ParticipantId;
import dev.txchat.core.ParticipantType;
import dev.txchat.core.spi.AuditRecord;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.StoredConversation;
import java.io.File;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The export of a conversation of 1,000,000 messages (and 1,000,000 audit entries) runs in a
 * JVM with a 48 MB heap, verification included. The conversation is computed on the fly by a
 * store that holds none of it, so the only memory that could grow is the export's own; a
 * document of this size is over 900 MB, so an export that kept anything per message would run
 * out. The audit entries are built here from the canonical form the README documents, not
 * with txchat's code, so the export's verification also checks that the form is what it says.
 * {@code -Dtxchat.export.messages=N} changes the size.
 */
class ExportConstantMemoryTest {

    static final int MESSAGES = Integer.getInteger("txchat.export.messages", 1_000_000);

    @Test
    void aMillionMessageConversationExportsAndVerifiesInA48MbHeap() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "-Dtxchat.export.messages=" + MESSAGES, Child.class.getName())
                .redirectErrorStream(true).start();
        String output;
        try (var in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).as("the export finished").isTrue();
        System.out.println("export of " + MESSAGES + " messages in -Xmx48m: " + output.lines().findFirst().orElse(""));
        assertThat(child.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("\"valid\":true,\"entriesChecked\":" + MESSAGES + ",\"messagesChecked\":" + MESSAGES);
    }

    /** Runs in the small heap: exports the virtual conversation and prints the document's size and tail. */
    public static final class Child {
        public static void main(String[] args) {
            int messages = Integer.getInteger("txchat.export.messages", 1_000_000);
            ChatService chat = ChatService.builder().store(new VirtualStore(messages))
                    .compliance(CompliancePolicy.regulated(Duration.ZERO)).build();
            long[] size = {0};
            byte[] tail = new byte[256];
            OutputStream out = new OutputStream() {
                @Override
                public void write(int b) {
                    tail[(int) (size[0]++ % tail.length)] = (byte) b;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    for (int i = 0; i < len; i++) {
                        write(b[off + i]);
                    }
                }
            };
            long start = System.nanoTime();
            chat.exportConversation(Actor.service("auditor", ChatPermissions.CONVERSATION_AUDITOR),
                    VirtualStore.CONVERSATION, out);
            StringBuilder last = new StringBuilder();
            for (int i = 0; i < tail.length; i++) {
                last.append((char) tail[(int) ((size[0] + i) % tail.length)]);
            }
            Runtime rt = Runtime.getRuntime();
            System.out.println("bytes=" + size[0] + " seconds=" + (System.nanoTime() - start) / 1_000_000_000.0
                    + " maxHeapMb=" + rt.maxMemory() / (1 << 20));
            System.out.println(last);
            chat.close();
        }
    }

    /**
     * One conversation of {@code size} messages, each posted by the business user with a
     * recorded MESSAGE_POSTED entry, all computed from the sequence; every other call is refused.
     */
    static final class VirtualStore implements ChatStore {
        static final ConversationId CONVERSATION = new ConversationId(new UUID(1, 1));
        static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
        static final ParticipantId SENDER = new ParticipantId(new UUID(2, 2));
        private final int size;
        /** The hash after the last entry handed out, so sequential pages chain in constant memory. */
        private long cachedSequence;
        private String cachedHash = ComplianceState.GENESIS_HASH;

        VirtualStore(int size) {
            this.size = size;
        }

        @Override
        public boolean supportsRegulatedMode() {
            return true;
        }

        @Override
        public <T> T inTransaction(Function<ChatStoreTransaction, T> work) {
            return work.apply((ChatStoreTransaction) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ChatStoreTransaction.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "findConversation" -> Optional.of(conversation());
                        case "complianceState" -> new ComplianceState(size, hashThrough(size), null);
                        case "listMessages" -> messages((Long) args[1], (Integer) args[3]);
                        case "messageVersions" -> List.<MessageVersion>of();
                        case "readAudit" -> audit((Long) args[1], (Integer) args[2]);
                        case "auditOfMessages" -> auditOf(args[1]);
                        default -> throw new UnsupportedOperationException(method.getName());
                    }));
        }

        private StoredConversation conversation() {
            Participant business = new Participant(SENDER, ParticipantType.BUSINESS, "user", "org", START, null);
            Conversation c = new Conversation(CONVERSATION, ConversationKind.DIRECT, null, null, "org", "big",
                    ConversationStatus.OPEN, START, List.of(business));
            return new StoredConversation(c, size, 0, 0, START, null);
        }

        static MessageId messageId(long sequence) {
            return new MessageId(new UUID(3, sequence));
        }

        static String body(long sequence) {
            return "message number " + sequence + " about the settlement of invoice INV-" + (sequence * 7919 % 100000);
        }

        static Message message(long sequence) {
            return new Message(messageId(sequence), CONVERSATION, sequence, SENDER, ParticipantType.BUSINESS, "user",
                    body(sequence), START.plusSeconds(sequence), null, null);
        }

        private List<Message> messages(Long after, int limit) {
            List<Message> page = new ArrayList<>(limit);
            for (long s = (after == null ? 0 : after) + 1; s <= size && page.size() < limit; s++) {
                page.add(message(s));
            }
            return page;
        }

        /** The canonical entry of message {@code sequence}'s post, as the README documents it. */
        static String entry(long sequence) {
            return "{\"v\":1,\"conversationId\":\"" + CONVERSATION + "\",\"sequence\":" + sequence
                    + ",\"action\":\"MESSAGE_POSTED\",\"at\":\"" + START.plusSeconds(sequence) + "\","
                    + "\"actor\":{\"type\":\"BUSINESS\",\"userId\":\"user\",\"organizationId\":\"org\"},"
                    + "\"messageId\":\"" + messageId(sequence) + "\",\"version\":1,\"bodySha256\":\""
                    + sha256(body(sequence)) + "\",\"details\":{}}";
        }

        private AuditRecord record(long sequence, String previousHash) {
            String entry = entry(sequence);
            return new AuditRecord(CONVERSATION, sequence, "MESSAGE_POSTED", messageId(sequence),
                    START.plusSeconds(sequence), entry, previousHash, sha256(previousHash + "\n" + entry));
        }

        private List<AuditRecord> audit(long after, int limit) {
            String previous = hashThrough(after);
            List<AuditRecord> page = new ArrayList<>(limit);
            for (long s = after + 1; s <= size && page.size() < limit; s++) {
                AuditRecord r = record(s, previous);
                page.add(r);
                previous = r.hash();
            }
            if (!page.isEmpty()) {
                cachedSequence = page.get(page.size() - 1).sequence();
                cachedHash = previous;
            }
            return page;
        }

        /** The hash of entry {@code sequence}: from the cache when reading on, else by walking the chain. */
        private String hashThrough(long sequence) {
            long from = sequence >= cachedSequence ? cachedSequence : 0;
            String hash = sequence >= cachedSequence ? cachedHash : ComplianceState.GENESIS_HASH;
            for (long s = from + 1; s <= sequence; s++) {
                hash = sha256(hash + "\n" + entry(s));
            }
            return hash;
        }

        @SuppressWarnings("unchecked")
        private List<AuditRecord> auditOf(Object ids) {
            List<AuditRecord> found = new ArrayList<>();
            for (MessageId id : (Collection<MessageId>) ids) {
                long sequence = id.value().getLeastSignificantBits();
                // the content check reads text, version and sequence; the chain pass checks the hashes
                found.add(new AuditRecord(CONVERSATION, sequence, "MESSAGE_POSTED", id, START.plusSeconds(sequence),
                        entry(sequence), ComplianceState.GENESIS_HASH, ComplianceState.GENESIS_HASH));
            }
            found.sort(java.util.Comparator.comparingLong(AuditRecord::sequence));
            return found;
        }

        static String sha256(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
