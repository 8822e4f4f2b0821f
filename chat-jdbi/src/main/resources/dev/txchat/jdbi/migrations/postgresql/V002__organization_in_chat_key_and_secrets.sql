-- txchat schema, version 2, PostgreSQL.
-- 1. Secrets the library generates once per database (the key that signs page cursors), so
--    that every application node uses the same one and none is in the source code.
-- 2. A transaction chat is now unique per (transaction, business user id, organization id):
--    the same user id in two organizations is two people. The live key of every open
--    transaction chat is recomputed as LiveKeys.transactionChat does in Java:
--    'T:' || sha256_hex('T:' || esc(transaction) || ':' || esc(user) || ':' || esc(org or '')),
--    esc() escaping '~' as '~~' and ':' as '~:'. The business user is the conversation's first
--    participant (join_order 1). The new key is finer than the old one, so it stays unique.

CREATE TABLE ${prefix}secrets (
    name       VARCHAR(64) COLLATE "C" NOT NULL,
    secret     VARCHAR(200)            NOT NULL,
    created_at BIGINT                  NOT NULL,
    CONSTRAINT ${prefix}secrets_pk PRIMARY KEY (name)
);

UPDATE ${prefix}conversations c
   SET live_key = 'T:' || encode(sha256(convert_to(
           'T:' || replace(replace(c.transaction_id, '~', '~~'), ':', '~:')
           || ':' || replace(replace(p.user_id, '~', '~~'), ':', '~:')
           || ':' || replace(replace(coalesce(c.organization_id, ''), '~', '~~'), ':', '~:'),
           'UTF8')), 'hex')
  FROM ${prefix}participants p
 WHERE p.conversation_id = c.id AND p.join_order = 1
   AND c.kind = 'TRANSACTION' AND c.live_key IS NOT NULL;
