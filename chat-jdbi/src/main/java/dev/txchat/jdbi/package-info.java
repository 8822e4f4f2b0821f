/**
 * The persistent txchat store: {@link dev.txchat.jdbi.JdbiChatStore} on JDBI 3, with one
 * Flyway-compatible schema per database ({@link dev.txchat.jdbi.Dialect}: H2, PostgreSQL,
 * MariaDB) shipped in the jar, and {@link dev.txchat.jdbi.ChatDataSources} for hosts without
 * a connection pool of their own.
 */
package dev.txchat.jdbi;
