-- txchat schema, version 7, MariaDB: regulated mode (issue 13). V006 is reserved for another
-- change; the migrator applies whatever is missing, in version order, so the gap is harmless.
-- 1. Messages carry when they were edited and redacted (null: never).
-- 2. message_versions keeps the superseded texts of edited and redacted messages; the current
--    text stays on the message. A redaction outside regulated mode deletes them.
-- 3. audit holds each conversation's hash chain, keyed by (conversation_id, seq); the
--    (conversation_id, message_id) index serves the per-page comparison of messages and entries.
--    entry is MEDIUMTEXT: TEXT holds 65,535 bytes, one short of the 64 KiB an entry may have.
-- 4. The chain's head and the active legal hold are columns of the conversation row, so the
--    statement that locks the row reads them, current after any lock wait. MariaDB has no
--    statement that inserts into one table and updates another, so appendAudit moves the head
--    with a second statement. No trigger: creating one needs the TRIGGER privilege and, on a
--    server with binary logging on, SUPER or log_bin_trust_function_creators = 1, which would
--    fail this migration for every host, regulated or not, whose account lacks them. Existing
--    conversations have no chain: head 0, genesis hash, no hold.
-- 5. processing_restrictions lists the users restricted under GDPR Art. 18; the author index
--    lets purgeExpired pseudonymise one user's messages without scanning every message.

ALTER TABLE ${prefix}messages
    ADD COLUMN edited_at BIGINT,
    ADD COLUMN redacted_at BIGINT;
CREATE INDEX ${prefix}messages_author_ix ON ${prefix}messages (author_user_id);

ALTER TABLE ${prefix}conversations
    ADD COLUMN audit_head_seq BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN audit_head_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    ADD COLUMN legal_hold_reason VARCHAR(1000),
    ADD COLUMN legal_hold_placed_at BIGINT,
    ADD COLUMN legal_hold_placed_by VARCHAR(128);

CREATE TABLE ${prefix}message_versions (
    message_id      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    number          INTEGER      NOT NULL,
    conversation_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    body            TEXT,
    written_at      BIGINT       NOT NULL,
    superseded_at   BIGINT       NOT NULL,
    CONSTRAINT ${prefix}message_versions_pk PRIMARY KEY (message_id, number)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE TABLE ${prefix}audit (
    conversation_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    seq             BIGINT       NOT NULL,
    action          VARCHAR(32)  NOT NULL,
    message_id      CHAR(36) CHARACTER SET ascii COLLATE ascii_bin,
    recorded_at     BIGINT       NOT NULL,
    entry           MEDIUMTEXT   NOT NULL,
    previous_hash   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    hash            CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    CONSTRAINT ${prefix}audit_pk PRIMARY KEY (conversation_id, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE INDEX ${prefix}audit_message_ix ON ${prefix}audit (conversation_id, message_id);

CREATE TABLE ${prefix}processing_restrictions (
    user_id          VARCHAR(128) NOT NULL,
    since            BIGINT       NOT NULL,
    pseudonymised_at BIGINT,
    CONSTRAINT ${prefix}processing_restrictions_pk PRIMARY KEY (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
