-- txchat schema, version 2, MariaDB.
-- 1. Secrets the library generates once per database (the key that signs page cursors), so
--    that every application node uses the same one and none is in the source code.
-- 2. A transaction chat is now unique per (transaction, business user id, organization id):
--    the same user id in two organizations is two people. The live key of every open
--    transaction chat is recomputed as LiveKeys.transactionChat does in Java:
--    'T:' || sha256_hex('T:' || esc(transaction) || ':' || esc(user) || ':' || esc(org or '')),
--    esc() escaping '~' as '~~' and ':' as '~:' (SHA2 hashes the utf8mb4 bytes, i.e. UTF-8).
--    The business user is the conversation's first participant (join_order 1). The new key
--    is finer than the old one, so it stays unique.

CREATE TABLE ${prefix}secrets (
    name       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    secret     VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at BIGINT      NOT NULL,
    CONSTRAINT ${prefix}secrets_pk PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

UPDATE ${prefix}conversations c
  JOIN ${prefix}participants p ON p.conversation_id = c.id AND p.join_order = 1
   SET c.live_key = CONCAT('T:', SHA2(CONCAT(
           'T:', REPLACE(REPLACE(c.transaction_id, '~', '~~'), ':', '~:'),
           ':', REPLACE(REPLACE(p.user_id, '~', '~~'), ':', '~:'),
           ':', REPLACE(REPLACE(COALESCE(c.organization_id, ''), '~', '~~'), ':', '~:')), 256))
 WHERE c.kind = 'TRANSACTION' AND c.live_key IS NOT NULL;
