-- txchat schema, version 5, H2: a write never reads a conversation's history.
-- 1. last_message_id names the newest message, so conversation reads join it by primary
--    key instead of by (conversation_id, seq = message_count).
-- 2. participants_version changes (to a new random value) whenever a participant joins or
--    leaves, in the same transaction, so an application node can keep a conversation's
--    participants cached and know from the locked row alone whether they are still current.
--    A random value, not a counter: a rolled-back change must never reappear later.

ALTER TABLE ${prefix}conversations ADD COLUMN last_message_id VARCHAR(36);
ALTER TABLE ${prefix}conversations ADD COLUMN participants_version BIGINT DEFAULT 0 NOT NULL;

UPDATE ${prefix}conversations c
   SET last_message_id = (SELECT m.id FROM ${prefix}messages m
                           WHERE m.conversation_id = c.id AND m.seq = c.message_count)
 WHERE c.message_count > 0;
