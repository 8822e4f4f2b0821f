package dev.txchat.testkit;

import dev.txchat.core.ConversationId;
import dev.txchat.core.MessageId;
import dev.txchat.core.spi.ChatStore;

/** Runs the {@link RegulatedModeContract} against a fresh {@link InMemoryChatStore}, tampering with its maps. */
class InMemoryRegulatedModeTest extends RegulatedModeContract {

    private InMemoryChatStore memory;

    @Override
    protected ChatStore createStore() {
        memory = new InMemoryChatStore();
        return memory;
    }

    @Override
    protected void tamperMessageBody(ConversationId conversation, MessageId message, String body) {
        memory.tamperMessageBody(conversation, message, body);
    }

    @Override
    protected void tamperMessageVersion(ConversationId conversation, MessageId message, int number, String body) {
        memory.tamperMessageVersion(conversation, message, number, body);
    }

    @Override
    protected void tamperAuditEntry(ConversationId conversation, long sequence, String entry) {
        memory.tamperAuditEntry(conversation, sequence, entry);
    }

    @Override
    protected void deleteAuditEntry(ConversationId conversation, long sequence) {
        memory.deleteAuditEntry(conversation, sequence);
    }
}
