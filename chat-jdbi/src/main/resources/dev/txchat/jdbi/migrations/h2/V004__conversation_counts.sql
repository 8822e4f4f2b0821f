-- txchat schema, version 4, H2: maintained conversation counts.
-- listConversations returns an exact totalCount; counting the matching rows on every page
-- grew with the table. ${prefix}conversation_counts holds, per scope, the number of OPEN
-- conversations in it (dev.txchat.jdbi.internal.CountScopes names the scopes):
--   scope 'A' every conversation; 'P' those with an active participant of participant_type
--   and/or whose user or organization id is party_id; 'U' those with an active BUSINESS
--   participant (party_id, organization_id) and no active BUSINESS account participant of
--   that organization; 'O' those with an active BUSINESS account participant of
--   organization_id. Each scope once with kind '' (any) and once per kind. '' stands for
--   "none" in every key column (ids are never empty), so no key column is nullable.
-- Each scope has up to 16 rows (slot 0..15): a unit of work that creates or deletes a
-- conversation or changes its participants adds +1/-1 to the slot of that conversation, in
-- its own transaction, so unrelated conversations rarely share a row; the count is the sum
-- over the slots (one slot may be negative). Posting messages never writes here.
-- The rows below count what the tables already hold, all in slot 0.

CREATE TABLE ${prefix}conversation_counts (
    scope            VARCHAR(8)   NOT NULL,
    kind             VARCHAR(16)  NOT NULL,
    participant_type VARCHAR(16)  NOT NULL,
    party_id         VARCHAR(128) NOT NULL,
    organization_id  VARCHAR(128) NOT NULL,
    slot             SMALLINT     NOT NULL,
    n                BIGINT       NOT NULL,
    CONSTRAINT ${prefix}conversation_counts_pk
        PRIMARY KEY (scope, kind, participant_type, party_id, organization_id, slot)
);

-- every open conversation, of any kind and by kind
INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'A', '', '', '', '', 0, COUNT(*) FROM ${prefix}conversations WHERE status = 'OPEN';

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'A', kind, '', '', '', 0, COUNT(*) FROM ${prefix}conversations WHERE status = 'OPEN' GROUP BY kind;

-- with an active participant of a type
INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'P', '', p.participant_type, '', '', 0, COUNT(DISTINCT p.conversation_id)
  FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL
 GROUP BY p.participant_type;

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'P', c.kind, p.participant_type, '', '', 0, COUNT(DISTINCT p.conversation_id)
  FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL
 GROUP BY c.kind, p.participant_type;

-- with an active participant whose user id or organization id is v (of any type, of a type)
INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'P', '', '', x.v, '', 0, COUNT(DISTINCT x.conversation_id) FROM
(SELECT p.conversation_id, c.kind, p.participant_type, p.user_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.user_id <> ''
 UNION ALL
 SELECT p.conversation_id, c.kind, p.participant_type, p.organization_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.organization_id <> '') x
 GROUP BY x.v;

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'P', x.kind, '', x.v, '', 0, COUNT(DISTINCT x.conversation_id) FROM
(SELECT p.conversation_id, c.kind, p.participant_type, p.user_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.user_id <> ''
 UNION ALL
 SELECT p.conversation_id, c.kind, p.participant_type, p.organization_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.organization_id <> '') x
 GROUP BY x.kind, x.v;

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'P', '', x.participant_type, x.v, '', 0, COUNT(DISTINCT x.conversation_id) FROM
(SELECT p.conversation_id, c.kind, p.participant_type, p.user_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.user_id <> ''
 UNION ALL
 SELECT p.conversation_id, c.kind, p.participant_type, p.organization_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.organization_id <> '') x
 GROUP BY x.participant_type, x.v;

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'P', x.kind, x.participant_type, x.v, '', 0, COUNT(DISTINCT x.conversation_id) FROM
(SELECT p.conversation_id, c.kind, p.participant_type, p.user_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.user_id <> ''
 UNION ALL
 SELECT p.conversation_id, c.kind, p.participant_type, p.organization_id AS v
   FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL AND p.organization_id <> '') x
 GROUP BY x.kind, x.participant_type, x.v;

-- a business user's own chats, without its organization's account in them
INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'U', '', '', p.user_id, COALESCE(p.organization_id, ''), 0, COUNT(DISTINCT p.conversation_id)
  FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL
   AND p.participant_type = 'BUSINESS' AND p.user_id <> ''
   AND (p.organization_id IS NULL OR (p.organization_id <> '' AND NOT EXISTS (SELECT 1 FROM ${prefix}participants a
        WHERE a.conversation_id = p.conversation_id AND a.left_at IS NULL AND a.participant_type = 'BUSINESS'
          AND a.user_id IS NULL AND a.organization_id = p.organization_id)))
 GROUP BY p.user_id, COALESCE(p.organization_id, '');

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'U', c.kind, '', p.user_id, COALESCE(p.organization_id, ''), 0, COUNT(DISTINCT p.conversation_id)
  FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL
   AND p.participant_type = 'BUSINESS' AND p.user_id <> ''
   AND (p.organization_id IS NULL OR (p.organization_id <> '' AND NOT EXISTS (SELECT 1 FROM ${prefix}participants a
        WHERE a.conversation_id = p.conversation_id AND a.left_at IS NULL AND a.participant_type = 'BUSINESS'
          AND a.user_id IS NULL AND a.organization_id = p.organization_id)))
 GROUP BY c.kind, p.user_id, COALESCE(p.organization_id, '');

-- a business organization's account chats
INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'O', '', '', '', p.organization_id, 0, COUNT(DISTINCT p.conversation_id)
  FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL
   AND p.participant_type = 'BUSINESS' AND p.user_id IS NULL AND p.organization_id <> ''
 GROUP BY p.organization_id;

INSERT INTO ${prefix}conversation_counts (scope, kind, participant_type, party_id, organization_id, slot, n)
SELECT 'O', c.kind, '', '', p.organization_id, 0, COUNT(DISTINCT p.conversation_id)
  FROM ${prefix}participants p JOIN ${prefix}conversations c ON c.id = p.conversation_id
 WHERE c.status = 'OPEN' AND p.left_at IS NULL
   AND p.participant_type = 'BUSINESS' AND p.user_id IS NULL AND p.organization_id <> ''
 GROUP BY c.kind, p.organization_id;
