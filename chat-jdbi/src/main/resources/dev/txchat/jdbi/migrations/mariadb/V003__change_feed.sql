-- txchat schema, version 3, MariaDB: the durable change feed.
-- ${prefix}feed is a transactional outbox shaped for Debezium's outbox event router
-- (columns id, aggregatetype, aggregateid, type, payload): each unit of work appends its
-- events here in the same transaction, while it holds its conversation's row lock, so the
-- insertion ids of one conversation's entries follow its commit order. An entry gets its
-- feed position only once committed, from the sequencer (ChatFeed.read): one transaction at
-- a time, holding the ${prefix}feed_head row, numbers the committed entries that have none
-- in id order. Readers read by position and never see a gap fill in behind them.
-- Writers never touch ${prefix}feed_head: no row is shared by unrelated conversations' posts.

CREATE TABLE ${prefix}feed (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    position      BIGINT,
    aggregatetype VARCHAR(32)  NOT NULL,
    aggregateid   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    type          VARCHAR(64)  NOT NULL,
    payload       MEDIUMTEXT   NOT NULL,
    audience      MEDIUMTEXT   NOT NULL,
    committed_at  BIGINT       NOT NULL,
    CONSTRAINT ${prefix}feed_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}feed_position_uk UNIQUE (position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

CREATE INDEX ${prefix}feed_unsequenced_ix ON ${prefix}feed (position, id);

CREATE TABLE ${prefix}feed_head (
    id       INTEGER NOT NULL,
    position BIGINT  NOT NULL,
    CONSTRAINT ${prefix}feed_head_pk PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;

INSERT INTO ${prefix}feed_head (id, position) VALUES (1, 0);

CREATE TABLE ${prefix}feed_subscriptions (
    name        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    position    BIGINT      NOT NULL,
    owner       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin,
    lease_until BIGINT,
    CONSTRAINT ${prefix}feed_subscriptions_pk PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_nopad_bin;
