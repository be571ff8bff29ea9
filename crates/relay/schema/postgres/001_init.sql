-- The relay's PostgreSQL store, version 1: the same tables as the SQLite store's 001_init.sql, plus
-- `spaces`, each space's sequence counter. Additive only: later versions add files, never edit this one.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    elder      TEXT,
    token_hash TEXT NOT NULL UNIQUE,  -- SHA-256 hex of the token; the token itself is never stored
    created_at BIGINT NOT NULL,       -- unix seconds
    revoked_at BIGINT,
    last_seen  BIGINT
);

CREATE TABLE enrolments (
    code_hash   TEXT PRIMARY KEY,     -- SHA-256 hex of the normalised one-time code
    role        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    elder       TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    redeemed_at BIGINT,
    device_id   TEXT REFERENCES devices (id)
);

-- A space's head: its highest sequence number. A push locks this row, so pushes to one space take
-- numbers one after another and commit in that order; pushes to different spaces do not wait.
CREATE TABLE spaces (
    space TEXT PRIMARY KEY,
    head  BIGINT NOT NULL
);

-- Each change once per space, numbered in the order the relay received it.
CREATE TABLE changes (
    space       TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    elder       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    bytes       BYTEA NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (space, seq),
    UNIQUE (space, hash)
);
