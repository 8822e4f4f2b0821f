-- txchat schema, version 2, H2.
-- 1. Secrets the library generates once per database (the key that signs page cursors), so
--    that every application node uses the same one and none is in the source code.
-- 2. A transaction chat is now unique per (transaction, business user id, organization id):
--    the same user id in two organizations is two people. The live key of every open
--    transaction chat is recomputed as LiveKeys.transactionChat does in Java:
--    'T:' || sha256_hex('T:' || esc(transaction) || ':' || esc(user) || ':' || esc(org or '')),
--    esc() escaping '~' as '~~' and ':' as '~:' (H2's HASH takes the UTF-8 bytes of a string).
--    The business user is the conversation's first participant (join_order 1). The new key
--    is finer than the old one, so it stays unique.

CREATE TABLE ${prefix}secrets (
    name       VARCHAR(64)  NOT NULL,
    secret     VARCHAR(200) NOT NULL,
    created_at BIGINT       NOT NULL,
    CONSTRAINT ${prefix}secrets_pk PRIMARY KEY (name)
);

UPDATE ${prefix}conversations c
   SET live_key = 'T:' || LOWER(RAWTOHEX(HASH('SHA-256',
           'T:' || REPLACE(REPLACE(c.transaction_id, '~', '~~'), ':', '~:')
           || ':' || REPLACE(REPLACE((SELECT p.user_id FROM ${prefix}participants p
                                       WHERE p.conversation_id = c.id AND p.join_order = 1), '~', '~~'), ':', '~:')
           || ':' || REPLACE(REPLACE(COALESCE(c.organization_id, ''), '~', '~~'), ':', '~:'))))
 WHERE c.kind = 'TRANSACTION' AND c.live_key IS NOT NULL;
