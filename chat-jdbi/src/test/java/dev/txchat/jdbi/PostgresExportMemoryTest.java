package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.CompliancePolicy;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.StartConversation;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * {@code exportConversation} streams: a conversation whose export is about 80 MB (20,000
 * messages and 20,000 audit entries of 2,000 characters each) is exported by a JVM whose whole
 * heap is 48 MB. Each store read is a keyset page ({@code LIMIT}, no cursor left open), so
 * memory holds one page, never the conversation. The rows are written by plain SQL
 * ({@code generate_series}), not through txchat, to build the size in seconds; the chain they
 * form does not verify, which the export reports and which does not matter here.
 */
class PostgresExportMemoryTest {

    private static final int ROWS = 20_000;
    private static final int TEXT = 2_000;
    private static final String PREFIX = "exportmem_";

    @Test
    void aConversationLargerThanTheHeapIsExported() throws Exception {
        JdbiChatStore store = TestDatabases.freshStore(Dialect.POSTGRESQL, PREFIX);
        Jdbi jdbi = store.jdbi();
        try {
            ConversationId id;
            Actor staff = Actor.service("export-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR);
            String user = "export-user-" + UUID.randomUUID();
            try (ChatService chat = ChatService.builder().store(store)
                    .transactionDirectory(new FakeTransactionDirectory())
                    .compliance(CompliancePolicy.regulated(Duration.ofDays(365))).build()) {
                id = chat.startConversation(staff, new StartConversation(ParticipantRef.businessUser(user, null), "s",
                        NewMessage.of("first"))).id();
            }
            jdbi.useHandle(h -> {
                String sender = h.createQuery("SELECT id FROM " + PREFIX + "participants WHERE conversation_id = :c"
                        + " AND participant_type = 'BUSINESS'").bind("c", id.toString()).mapTo(String.class).one();
                h.createUpdate("INSERT INTO " + PREFIX + "messages (id, conversation_id, seq, sender_id, sent_by_type,"
                                + " author_user_id, body, client_message_id, created_at, read_at)"
                                + " SELECT md5(random()::text || s)::uuid::text, :c, s + 1, :sender, 'BUSINESS', :user,"
                                + " repeat('m', :text), NULL, 1767225600000000 + s, NULL"
                                + " FROM generate_series(1, :rows) s")
                        .bind("c", id.toString()).bind("sender", sender).bind("user", user).bind("text", TEXT)
                        .bind("rows", ROWS).execute();
                long head = h.createQuery("SELECT audit_head_seq FROM " + PREFIX + "conversations WHERE id = :c")
                        .bind("c", id.toString()).mapTo(Long.class).one();
                h.createUpdate("INSERT INTO " + PREFIX + "audit (conversation_id, seq, action, message_id,"
                                + " recorded_at, entry, previous_hash, hash)"
                                + " SELECT :c, :head + s, 'MESSAGE_POSTED', NULL, 1767225600000000 + s,"
                                + " repeat('a', :text), repeat('0', 64), repeat('0', 64) FROM generate_series(1, :rows) s")
                        .bind("c", id.toString()).bind("head", head).bind("text", TEXT).bind("rows", ROWS).execute();
                h.createUpdate("UPDATE " + PREFIX + "conversations SET message_count = message_count + :rows,"
                                + " audit_head_seq = audit_head_seq + :rows WHERE id = :c")
                        .bind("rows", ROWS).bind("c", id.toString()).execute();
            });

            Path output = Files.createTempFile("export-memory", ".txt");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx48m", "-cp", System.getProperty("java.class.path"), ExportUnderSmallHeap.class.getName(),
                    TestDatabases.url(Dialect.POSTGRESQL), PREFIX, id.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            assertThat(child.waitFor(300, TimeUnit.SECONDS)).as("export finished").isTrue();
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            Files.delete(output);
            assertThat(child.exitValue()).as("exit of the 48 MB JVM: %s", lines).isZero();
            long exported = Long.parseLong(lines.get(lines.size() - 1).replace("exported bytes: ", ""));
            assertThat(exported).as("bytes exported").isGreaterThan(2L * ROWS * TEXT);
        } finally {
            TestDatabases.dropTables(jdbi, PREFIX);
        }
    }

    /** The child JVM: exports one conversation to a stream that only counts, then prints the count. */
    static final class ExportUnderSmallHeap {
        public static void main(String[] args) {
            JdbiChatStore store = JdbiChatStore.create(Jdbi.create(args[0])).withTablePrefix(args[1]);
            Actor auditor = Actor.service("export-auditor", ChatPermissions.CONVERSATION_VIEWER,
                    ChatPermissions.CONVERSATION_AUDITOR);
            long[] count = {0};
            OutputStream counting = new OutputStream() {
                @Override
                public void write(int b) {
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    count[0] += len;
                }
            };
            try (ChatService chat = ChatService.builder().store(store)
                    .transactionDirectory(new FakeTransactionDirectory())
                    .compliance(CompliancePolicy.regulated(Duration.ofDays(365))).build()) {
                chat.exportConversation(auditor, ConversationId.parse(args[2]), counting);
            }
            System.out.println("exported bytes: " + count[0]);
        }
    }
}
