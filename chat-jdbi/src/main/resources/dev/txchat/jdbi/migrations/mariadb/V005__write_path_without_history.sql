-- txchat schema, version 5, MariaDB: a write never reads a conversation's history.
-- 1. last_message_id names the newest message, so conversation reads join it by primary
--    key instead of by (conversation_id, seq = message_count).
-- 2. participants_version changes (to a new random value) whenever a participant joins or
--    leaves, in the same transaction, so an application node can keep a conversation's
--    participants cached and know from the locked row alone whether they are still current.
--    A random value, not a counter: a rolled-back change must never reappear later.

ALTER TABLE ${prefix}conversations
    ADD COLUMN last_message_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin,
    ADD COLUMN participants_version BIGINT NOT NULL DEFAULT 0;

UPDATE ${prefix}conversations c
  JOIN ${prefix}messages m ON m.conversation_id = c.id AND m.seq = c.message_count
   SET c.last_message_id = m.id
 WHERE c.message_count > 0;
