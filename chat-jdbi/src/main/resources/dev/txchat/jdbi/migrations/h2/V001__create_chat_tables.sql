-- txchat schema, version 1, H2.
-- ${prefix} is the table-name prefix (JdbiChatStore.withTablePrefix, default chat_); with
-- Flyway set flyway.placeholders.prefix=chat_ and point locations at
-- classpath:dev/txchat/jdbi/migrations/h2.
-- Instants are BIGINT microseconds since the epoch (UTC): exact, and independent of any
-- session or JVM time zone. Ids are canonical lowercase UUID strings; H2 compares
-- VARCHAR by UTF-16 code unit, which for these ASCII strings is bytewise, the order
-- conversation cursors rely on.

CREATE TABLE ${prefix}tickets (
    id             VARCHAR(36)      NOT NULL,
    transaction_id VARCHAR(128)     NOT NULL,
    details        VARCHAR(1000000) NOT NULL,
    created_at     BIGINT           NOT NULL,
    CONSTRAINT ${prefix}tickets_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}tickets_transaction_uk UNIQUE (transaction_id)
);

CREATE TABLE ${prefix}conversations (
    id                   VARCHAR(36)  NOT NULL,
    kind                 VARCHAR(16)  NOT NULL,
    ticket_id            VARCHAR(36),
    transaction_id       VARCHAR(128),
    organization_id      VARCHAR(128),
    subject              VARCHAR(400),
    status               VARCHAR(16)  NOT NULL,
    live_key             VARCHAR(320),
    created_at           BIGINT       NOT NULL,
    deleted_at           BIGINT,
    last_activity_at     BIGINT       NOT NULL,
    message_count        BIGINT       DEFAULT 0 NOT NULL,
    unread_from_service  BIGINT       DEFAULT 0 NOT NULL,
    unread_from_business BIGINT       DEFAULT 0 NOT NULL,
    CONSTRAINT ${prefix}conversations_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}conversations_live_key_uk UNIQUE (live_key),
    CONSTRAINT ${prefix}conversations_ticket_fk FOREIGN KEY (ticket_id) REFERENCES ${prefix}tickets (id)
);

CREATE INDEX ${prefix}conversations_activity_ix ON ${prefix}conversations (last_activity_at, id);
CREATE INDEX ${prefix}conversations_ticket_ix ON ${prefix}conversations (ticket_id);
CREATE INDEX ${prefix}conversations_transaction_ix ON ${prefix}conversations (transaction_id);

CREATE TABLE ${prefix}participants (
    id               VARCHAR(36)  NOT NULL,
    conversation_id  VARCHAR(36)  NOT NULL,
    join_order       INTEGER      NOT NULL,
    participant_type VARCHAR(16)  NOT NULL,
    user_id          VARCHAR(128),
    organization_id  VARCHAR(128),
    joined_at        BIGINT       NOT NULL,
    left_at          BIGINT,
    CONSTRAINT ${prefix}participants_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}participants_order_uk UNIQUE (conversation_id, join_order),
    CONSTRAINT ${prefix}participants_conversation_fk FOREIGN KEY (conversation_id)
        REFERENCES ${prefix}conversations (id)
);

CREATE INDEX ${prefix}participants_user_ix ON ${prefix}participants (user_id);
CREATE INDEX ${prefix}participants_organization_ix ON ${prefix}participants (organization_id);

CREATE TABLE ${prefix}messages (
    id                VARCHAR(36)    NOT NULL,
    conversation_id   VARCHAR(36)    NOT NULL,
    seq               BIGINT         NOT NULL,
    sender_id         VARCHAR(36)    NOT NULL,
    sent_by_type      VARCHAR(16)    NOT NULL,
    author_user_id    VARCHAR(128),
    body              VARCHAR(16000) NOT NULL,
    client_message_id VARCHAR(128),
    created_at        BIGINT         NOT NULL,
    read_at           BIGINT,
    CONSTRAINT ${prefix}messages_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}messages_sequence_uk UNIQUE (conversation_id, seq),
    CONSTRAINT ${prefix}messages_client_id_uk UNIQUE (client_message_id, conversation_id),
    CONSTRAINT ${prefix}messages_conversation_fk FOREIGN KEY (conversation_id)
        REFERENCES ${prefix}conversations (id)
);

-- Only messages_sequence_uk starts with conversation_id, so the planner always takes it for
-- pages and for the join to the last message (ordered by seq) instead of a look-alike index.
CREATE INDEX ${prefix}messages_unread_ix ON ${prefix}messages (sent_by_type, conversation_id, read_at);
