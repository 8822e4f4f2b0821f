-- txchat schema, version 7, PostgreSQL: regulated mode (issue 13). V006 is reserved for another
-- change; the migrator applies whatever is missing, in version order, so the gap is harmless.
-- 1. Messages carry when they were edited and redacted (null: never).
-- 2. message_versions keeps the superseded texts of edited and redacted messages; the current
--    text stays on the message. A redaction outside regulated mode deletes them.
-- 3. audit holds each conversation's hash chain, keyed by (conversation_id, seq); the
--    (conversation_id, message_id) index serves the per-page comparison of messages and entries.
-- 4. The chain's head and the active legal hold are columns of the conversation row, so the
--    statement that locks the row reads them: a locking read that waited re-reads only the
--    locked row, so a subquery in it would read from before the wait, the row's own columns
--    cannot. appendAudit moves the head in the statement that inserts the entries (a
--    data-modifying CTE). Existing conversations have no chain: head 0, genesis hash, no hold.
--    ADD COLUMN with a constant default rewrites no row (PostgreSQL 11+).
-- 5. processing_restrictions lists the users restricted under GDPR Art. 18; the author index
--    lets purgeExpired pseudonymise one user's messages without scanning every message.

ALTER TABLE ${prefix}messages ADD COLUMN edited_at BIGINT;
ALTER TABLE ${prefix}messages ADD COLUMN redacted_at BIGINT;
CREATE INDEX IF NOT EXISTS ${prefix}messages_author_ix ON ${prefix}messages (author_user_id);

ALTER TABLE ${prefix}conversations ADD COLUMN audit_head_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${prefix}conversations ADD COLUMN audit_head_hash VARCHAR(64) COLLATE "C" NOT NULL
    DEFAULT '0000000000000000000000000000000000000000000000000000000000000000';
ALTER TABLE ${prefix}conversations ADD COLUMN legal_hold_reason VARCHAR(1000);
ALTER TABLE ${prefix}conversations ADD COLUMN legal_hold_placed_at BIGINT;
ALTER TABLE ${prefix}conversations ADD COLUMN legal_hold_placed_by VARCHAR(128);

CREATE TABLE ${prefix}message_versions (
    message_id      VARCHAR(36) COLLATE "C" NOT NULL,
    number          INTEGER                 NOT NULL,
    conversation_id VARCHAR(36) COLLATE "C" NOT NULL,
    body            TEXT,
    written_at      BIGINT                  NOT NULL,
    superseded_at   BIGINT                  NOT NULL,
    CONSTRAINT ${prefix}message_versions_pk PRIMARY KEY (message_id, number)
);

CREATE TABLE ${prefix}audit (
    conversation_id VARCHAR(36) COLLATE "C" NOT NULL,
    seq             BIGINT                  NOT NULL,
    action          VARCHAR(32)             NOT NULL,
    message_id      VARCHAR(36) COLLATE "C",
    recorded_at     BIGINT                  NOT NULL,
    entry           TEXT                    NOT NULL,
    previous_hash   VARCHAR(64) COLLATE "C" NOT NULL,
    hash            VARCHAR(64) COLLATE "C" NOT NULL,
    CONSTRAINT ${prefix}audit_pk PRIMARY KEY (conversation_id, seq)
);

CREATE INDEX ${prefix}audit_message_ix ON ${prefix}audit (conversation_id, message_id);

CREATE TABLE ${prefix}processing_restrictions (
    user_id          VARCHAR(128) COLLATE "C" NOT NULL,
    since            BIGINT                   NOT NULL,
    pseudonymised_at BIGINT,
    CONSTRAINT ${prefix}processing_restrictions_pk PRIMARY KEY (user_id)
);
