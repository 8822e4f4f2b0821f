/**
 * Implementation of {@code chat-jdbi}: SQL text, migrations runner, row mapping. Not part of
 * the public API; hosts use {@link dev.txchat.jdbi.JdbiChatStore} only.
 */
package dev.txchat.jdbi.internal;
