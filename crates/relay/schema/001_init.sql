-- The relay's store, version 1. Additive only: later versions add files, never edit this one.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    elder      TEXT,
    token_hash TEXT NOT NULL UNIQUE,  -- SHA-256 hex of the token; the token itself is never stored
    created_at INTEGER NOT NULL,      -- unix seconds
    revoked_at INTEGER,
    last_seen  INTEGER
) STRICT;

CREATE TABLE enrolments (
    code_hash   TEXT PRIMARY KEY,     -- SHA-256 hex of the normalised one-time code
    role        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    elder       TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    redeemed_at INTEGER,
    device_id   TEXT REFERENCES devices (id)
) STRICT;

-- Each change once per space, numbered in the order the relay received it.
CREATE TABLE changes (
    space       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    elder       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (space, seq),
    UNIQUE (space, hash)
) STRICT;
