package dev.txchat.jdbi;

import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.spi.ChatStore;
import dev.txchat.testkit.RegulatedModeContract;
import org.assertj.core.api.Assertions;

/**
 * The testkit's {@code RegulatedModeContract} on one database, its tamper hooks written as the
 * plain SQL someone with database access would run behind txchat's back.
 */
abstract class JdbiRegulatedModeContract extends RegulatedModeContract {

    private JdbiChatStore jdbiStore;

    /** The database under test. */
    protected abstract Dialect dialect();

    /**
     * Tables of their own, re-created for each test: {@code purgeExpired} purges every
     * conversation past retention in the store, which on the shared tables would be every other
     * test's (and would count them).
     */
    @Override
    protected ChatStore createStore() {
        jdbiStore = TestDatabases.freshStore(dialect(), "regmode_");
        return jdbiStore;
    }

    @Override
    protected void tamperMessageBody(ConversationId conversation, MessageId message, String body) {
        changeOne("UPDATE " + table("messages") + " SET body = :body WHERE id = :message"
                + " AND conversation_id = :conversation", conversation, message, body, null);
    }

    @Override
    protected void tamperMessageVersion(ConversationId conversation, MessageId message, int number, String body) {
        changeOne("UPDATE " + table("message_versions") + " SET body = :body WHERE message_id = :message"
                + " AND conversation_id = :conversation AND number = :number", conversation, message, body, number);
    }

    @Override
    protected void tamperAuditEntry(ConversationId conversation, long sequence, String entry) {
        int changed = jdbiStore.jdbi().withHandle(h -> h.createUpdate("UPDATE " + table("audit")
                        + " SET entry = :entry WHERE conversation_id = :conversation AND seq = :seq")
                .bind("entry", entry).bind("conversation", conversation.toString()).bind("seq", sequence).execute());
        Assertions.assertThat(changed).as("audit entries tampered with").isEqualTo(1);
    }

    @Override
    protected void deleteAuditEntry(ConversationId conversation, long sequence) {
        int deleted = jdbiStore.jdbi().withHandle(h -> h.createUpdate("DELETE FROM " + table("audit")
                        + " WHERE conversation_id = :conversation AND seq = :seq")
                .bind("conversation", conversation.toString()).bind("seq", sequence).execute());
        Assertions.assertThat(deleted).as("audit entries deleted").isEqualTo(1);
    }

    private void changeOne(String update, ConversationId conversation, MessageId message, String body,
                           Integer number) {
        int changed = jdbiStore.jdbi().withHandle(h -> {
            var statement = h.createUpdate(update).bind("body", body).bind("message", message.toString())
                    .bind("conversation", conversation.toString());
            if (number != null) {
                statement.bind("number", number);
            }
            return statement.execute();
        });
        // a hook that changed nothing would let a test pass without any tampering
        Assertions.assertThat(changed).as("rows tampered with").isEqualTo(1);
    }

    private String table(String name) {
        return jdbiStore.tablePrefix() + name;
    }
}
