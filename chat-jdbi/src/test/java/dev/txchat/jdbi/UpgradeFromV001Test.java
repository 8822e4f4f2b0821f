package dev.txchat.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.txchat.core.Actor;
import dev.txchat.core.ChatService;
import dev.txchat.core.ConversationFilter;
import dev.txchat.core.ConversationId;
import dev.txchat.core.NewMessage;
import dev.txchat.core.OpenTransactionChat;
import dev.txchat.core.PageRequest;
import dev.txchat.core.ParticipantMessage;
import dev.txchat.core.ParticipantRef;
import dev.txchat.core.TransactionChat;
import dev.txchat.core.Message;
import dev.txchat.core.MessageVersion;
import dev.txchat.core.spi.ChatPermissions;
import dev.txchat.core.spi.ChatStoreTransaction;
import dev.txchat.core.spi.ComplianceState;
import dev.txchat.core.spi.StoredConversation;
import dev.txchat.core.spi.WalletOwner;
import dev.txchat.jdbi.internal.Migrator;
import dev.txchat.jdbi.internal.Sql;
import dev.txchat.testkit.FakeTransactionDirectory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database created and filled by version 1 keeps working after {@code migrate()}: V002
 * re-keys every open transaction chat to (transaction, user, organization), so reopening
 * an old chat appends to it instead of creating a second one, while a deleted chat stays
 * out of the way and another organization's user with the same id gets a chat of its own.
 * The old rows are written with the SQL version 1 of the library wrote. V007 leaves them without
 * an audit chain or legal hold, and their messages unedited but editable.
 */
class UpgradeFromV001Test {

    private static final Actor STAFF = Actor.service("upgrade-staff", ChatPermissions.SYSTEM_BROADCAST_CREATION_EXECUTOR,
            ChatPermissions.CONVERSATION_VIEWER, ChatPermissions.CONVERSATION_MESSAGE_CREATION_EXECUTOR);

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void openChatsWrittenByVersionOneAreFoundAgainAfterTheUpgrade(Dialect dialect) {
        Jdbi jdbi = TestDatabases.store(dialect).jdbi();
        String prefix = "up" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        TestDatabases.dropTables(jdbi, prefix);
        try {
            new Migrator(jdbi, new Sql(dialect, prefix)).migrateTo(1);
            // a user id with the characters the new key escapes, and a non-ASCII one
            String user = "u:1~é-" + UUID.randomUUID();
            String org = "acme:" + UUID.randomUUID();
            String tx = "tx~" + UUID.randomUUID();
            String live = UUID.randomUUID().toString();
            String deleted = UUID.randomUUID().toString();
            jdbi.useHandle(h -> {
                String ticket = UUID.randomUUID().toString();
                h.createUpdate("INSERT INTO " + prefix + "tickets (id, transaction_id, details, created_at)"
                        + " VALUES (:id, :tx, '{}', 1)").bind("id", ticket).bind("tx", tx).execute();
                insertVersionOneChat(h, prefix, deleted, ticket, tx, user, org, null, "DELETED");
                insertVersionOneChat(h, prefix, live, ticket, tx, user, org,
                        "T:" + tx.length() + ":" + tx + ":" + user, "OPEN");
                insertOtherVersionOneChats(h, prefix, user, org);
            });

            JdbiChatStore store = JdbiChatStore.create(jdbi).withTablePrefix(prefix);
            store.migrate();
            // V004 counted what version 1 wrote: every counted list equals COUNT(*) over the rows
            assertThat(CountsCheck.mismatches(store)).isEmpty();
            FakeTransactionDirectory directory = new FakeTransactionDirectory();
            String otherOrg = "globex-" + UUID.randomUUID();
            directory.register(tx, Map.of(), new WalletOwner(user, org), new WalletOwner(user, otherOrg));
            try (ChatService chat = ChatService.builder().store(store).transactionDirectory(directory).build()) {
                // V005 named the newest message of every conversation written before it
                assertThat(chat.getConversation(STAFF, ConversationId.parse(live)).lastMessage().message().body())
                        .isEqualTo("written by version 1");
                TransactionChat reopened = chat.openTransactionChat(STAFF, new OpenTransactionChat(tx,
                        ParticipantRef.businessUser(user, org), NewMessage.of("after the upgrade")));
                TransactionChat otherOrganization = chat.openTransactionChat(STAFF, new OpenTransactionChat(tx,
                        ParticipantRef.businessUser(user, otherOrg), NewMessage.of("for globex")));

                assertThat(reopened.created()).isFalse();
                assertThat(reopened.conversation().id()).isEqualTo(ConversationId.parse(live));
                List<ParticipantMessage> messages = chat.listMessages(Actor.business(user, org),
                        reopened.conversation().id(), PageRequest.first(10)).nodes();
                assertThat(messages).extracting(ParticipantMessage::body)
                        .containsExactly("written by version 1", "after the upgrade");
                assertThat(otherOrganization.created()).isTrue();
                assertThat(chat.listConversations(STAFF, ConversationFilter.all().withTransactionId(tx),
                        PageRequest.first(10)).totalCount()).isEqualTo(2);
                assertThat(chat.listConversations(Actor.business(user, org), ConversationFilter.all(),
                        PageRequest.first(10)).totalCount()).isEqualTo(3);
            }
            // and the counts kept since then still do
            assertThat(CountsCheck.mismatches(store)).isEmpty();
            // V007: a conversation written before it has no audit chain and no hold, its messages no edit, and
            // an edit of an old message keeps the text version 1 wrote as the message's first version
            ConversationId liveId = ConversationId.parse(live);
            Instant editedAt = Instant.ofEpochSecond(5);
            store.inTransaction((ChatStoreTransaction t) -> {
                StoredConversation locked = t.lockConversationWithCompliance(liveId).orElseThrow();
                assertThat(locked.compliance()).isEqualTo(ComplianceState.NONE);
                assertThat(t.purgeCandidates(Instant.ofEpochSecond(1), null, 100)).contains(liveId);
                Message old = t.listMessages(liveId, null, true, 1).get(0);
                assertThat(old.editedAt()).isNull();
                assertThat(old.redactedAt()).isNull();
                assertThat(t.editMessage(liveId, old.id(), "edited after the upgrade", editedAt).orElseThrow()
                        .body()).isEqualTo("edited after the upgrade");
                assertThat(t.messageVersions(liveId, List.of(old.id()))).containsExactly(new MessageVersion(old.id(),
                        1, "written by version 1", old.createdAt(), editedAt, false));
                return null;
            });
        } finally {
            TestDatabases.dropTables(jdbi, prefix);
        }
    }

    /**
     * The other shapes the counts tell apart, as version 1 stored them: an account thread;
     * a direct chat with the user, its organization's account and a staff user who left; a
     * user without organization beside a user whose id is the organization's; a deleted one.
     */
    private static void insertOtherVersionOneChats(Handle h, String prefix, String user, String org) {
        String account = UUID.randomUUID().toString();
        insertVersionOneConversation(h, prefix, account, "ACCOUNT", org, "OPEN");
        insertVersionOneParticipant(h, prefix, account, 1, "SERVICE", null, null, false);
        insertVersionOneParticipant(h, prefix, account, 2, "BUSINESS", null, org, false);
        String direct = UUID.randomUUID().toString();
        insertVersionOneConversation(h, prefix, direct, "DIRECT", org, "OPEN");
        insertVersionOneParticipant(h, prefix, direct, 1, "BUSINESS", user, org, false);
        insertVersionOneParticipant(h, prefix, direct, 2, "BUSINESS", null, org, false);
        insertVersionOneParticipant(h, prefix, direct, 3, "SERVICE", "upgrade-staff", null, false);
        insertVersionOneParticipant(h, prefix, direct, 4, "SERVICE", "gone-staff", null, true);
        String mixed = UUID.randomUUID().toString();
        insertVersionOneConversation(h, prefix, mixed, "DIRECT", null, "OPEN");
        insertVersionOneParticipant(h, prefix, mixed, 1, "BUSINESS", user, null, false);
        insertVersionOneParticipant(h, prefix, mixed, 2, "BUSINESS", org, "globex", false);
        insertVersionOneParticipant(h, prefix, mixed, 3, "BUSINESS", "left-user", org, true);
        String deleted = UUID.randomUUID().toString();
        insertVersionOneConversation(h, prefix, deleted, "DIRECT", org, "DELETED");
        insertVersionOneParticipant(h, prefix, deleted, 1, "BUSINESS", user, org, false);
        insertVersionOneParticipant(h, prefix, deleted, 2, "SERVICE", "upgrade-staff", null, false);
    }

    private static void insertVersionOneConversation(Handle h, String prefix, String id, String kind, String org,
                                                     String status) {
        h.createUpdate("INSERT INTO " + prefix + "conversations (id, kind, ticket_id, transaction_id, organization_id,"
                        + " subject, status, live_key, created_at, last_activity_at, message_count, unread_from_service,"
                        + " unread_from_business) VALUES (:id, :kind, NULL, NULL, :org, NULL, :status, NULL, 1, 2, 0, 0,"
                        + " 0)")
                .bind("id", id).bind("kind", kind).bind("org", org).bind("status", status).execute();
    }

    private static void insertVersionOneParticipant(Handle h, String prefix, String conversation, int order,
                                                    String type, String user, String org, boolean left) {
        h.createUpdate("INSERT INTO " + prefix + "participants (id, conversation_id, join_order, participant_type,"
                        + " user_id, organization_id, joined_at, left_at) VALUES (:id, :conversation, :order, :type,"
                        + " :user, :org, 1, :left)")
                .bind("id", UUID.randomUUID().toString()).bind("conversation", conversation).bind("order", order)
                .bind("type", type).bind("user", user).bind("org", org).bind("left", left ? (Long) 5L : null)
                .execute();
    }

    private static void insertVersionOneChat(Handle h, String prefix, String id, String ticket, String tx, String user,
                                             String org, String liveKey, String status) {
        h.createUpdate("INSERT INTO " + prefix + "conversations (id, kind, ticket_id, transaction_id, organization_id,"
                        + " subject, status, live_key, created_at, last_activity_at, message_count, unread_from_service,"
                        + " unread_from_business) VALUES (:id, 'TRANSACTION', :ticket, :tx, :org, NULL, :status,"
                        + " :liveKey, 1, 2, 1, 1, 0)")
                .bind("id", id).bind("ticket", ticket).bind("tx", tx).bind("org", org).bind("status", status)
                .bind("liveKey", liveKey).execute();
        String business = UUID.randomUUID().toString();
        String staff = UUID.randomUUID().toString();
        String participant = "INSERT INTO " + prefix + "participants (id, conversation_id, join_order,"
                + " participant_type, user_id, organization_id, joined_at, left_at)"
                + " VALUES (:id, :conversation, :order, :type, :user, :org, 1, NULL)";
        h.createUpdate(participant).bind("id", business).bind("conversation", id).bind("order", 1)
                .bind("type", "BUSINESS").bind("user", user).bind("org", org).execute();
        h.createUpdate(participant).bind("id", staff).bind("conversation", id).bind("order", 2)
                .bind("type", "SERVICE").bind("user", "upgrade-staff").bindNull("org", java.sql.Types.VARCHAR)
                .execute();
        h.createUpdate("INSERT INTO " + prefix + "messages (id, conversation_id, seq, sender_id, sent_by_type,"
                        + " author_user_id, body, client_message_id, created_at, read_at) VALUES (:id, :conversation, 1,"
                        + " :sender, 'SERVICE', 'upgrade-staff', 'written by version 1', NULL, 2, NULL)")
                .bind("id", UUID.randomUUID().toString()).bind("conversation", id).bind("sender", staff).execute();
    }
}
