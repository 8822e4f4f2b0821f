-- txchat schema, version 5, PostgreSQL: a write never reads a conversation's history.
-- 1. last_message_id names the newest message, so conversation reads join it by primary
--    key (one index probe whatever plan the planner caches) instead of by
--    (conversation_id, seq = message_count), which a generic plan cached while the table was
--    empty can turn into a walk over the conversation's whole history on every call.
-- 2. participants_version changes (to a new random value) whenever a participant joins or
--    leaves, in the same transaction, so an application node can keep a conversation's
--    participants cached and know from the locked row alone whether they are still current.
--    A random value, not a counter: a rolled-back change must never reappear later.
-- 3. fillfactor 85 leaves room on each page for the new version of a conversation row that
--    every post writes.
-- 4. Statistics on how user, organization and side go together in participants: without them
--    the planner multiplies the selectivities of "user = u AND organization = o", thinks a
--    business user is in a hundredth of the conversations they are really in, and answers
--    an inbox page by collecting and sorting all of them instead of walking the activity
--    index to the first page (measured at 100,000 conversations: 72 ms against 11 ms).
-- 5. No NOTIFY inside writing transactions: PostgreSQL serializes the commits of every
--    transaction that notified (a database-wide lock held through the commit flush), which
--    halved the throughput of 8 writers on unrelated conversations. The store now sends the
--    NOTIFY after the commit, from one connection per node (PostgresFeedNotifier).

ALTER TABLE ${prefix}conversations ADD COLUMN last_message_id VARCHAR(36) COLLATE "C";
ALTER TABLE ${prefix}conversations ADD COLUMN participants_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${prefix}conversations SET (fillfactor = 85);

UPDATE ${prefix}conversations c
   SET last_message_id = m.id
  FROM ${prefix}messages m
 WHERE m.conversation_id = c.id AND m.seq = c.message_count AND c.message_count > 0;

CREATE STATISTICS IF NOT EXISTS ${prefix}participants_member_stats (mcv, dependencies)
    ON user_id, organization_id, participant_type FROM ${prefix}participants;

DROP TRIGGER IF EXISTS ${prefix}feed_appended ON ${prefix}feed;
DROP FUNCTION IF EXISTS ${prefix}feed_notify();
