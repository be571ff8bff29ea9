-- 0008 · End-to-end keys (issue 7). Every change leaves the device sealed; these tables hold what
-- seals and opens them. The file itself is encrypted at rest (0010); key bytes never leave it except in
-- a key bundle or a key package.

-- Per space (village code): the cipher of the deployment, the key of elder ids, and this device's own
-- device key (key id and d) when a committee issued it a bundle.
CREATE TABLE key_spaces (
    space           TEXT PRIMARY KEY,
    alg             TEXT NOT NULL,             -- xchacha20poly1305 | sm4-gcm
    id_key          BLOB,                      -- NULL on a family phone
    role            TEXT NOT NULL,             -- committee, township, helper, family: what the keys are cut for
    elder           TEXT,                      -- a family phone's elder
    device_key_id   TEXT,                      -- NULL on the store that created the keys
    device_key      BLOB,
    updated_at      TEXT NOT NULL
);

-- Generations: a root (committee, township), a village key (helper) or one elder's card key (family).
CREATE TABLE key_generations (
    space           TEXT NOT NULL,
    generation      INTEGER NOT NULL,
    level           TEXT NOT NULL,             -- root | village | card
    elder           TEXT NOT NULL DEFAULT '',  -- card level: the elder
    alg             TEXT NOT NULL,
    key             BLOB NOT NULL,
    added_at        TEXT NOT NULL,
    PRIMARY KEY (space, generation, elder)
);

-- Device keys this (committee) store put in the bundles it issued: key packages after a rotation go
-- to every one not revoked.
CREATE TABLE device_keys (
    key_id          TEXT PRIMARY KEY,
    space           TEXT NOT NULL,
    d               BLOB NOT NULL,
    role            TEXT NOT NULL,
    elder           TEXT,
    helper          TEXT,
    label           TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    revoked_at      TEXT
);

-- Each elder's own key k_E: seals the elder's sensitive document; destroying it erases the elder.
CREATE TABLE elder_keys (
    elder_id        TEXT NOT NULL,
    key             BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (elder_id, key)
);

-- Erasures done or received: id, date and reason (never personal data). Changes of an erased elder
-- that arrive later are refused.
CREATE TABLE erasures (
    elder_id        TEXT PRIMARY KEY,
    erased_at       TEXT NOT NULL,
    reason          TEXT NOT NULL
);

-- Outbox rows that are already sealed (an elder's key, an erasure, a key package) carry their kind;
-- 0 is a document change, kept in the clear here and sealed when a batch is formed.
ALTER TABLE outbox ADD COLUMN what INTEGER NOT NULL DEFAULT 0;

-- A change held for want of a key (reason `no_key`) is kept sealed, with the space it came from, and
-- opened when a bundle or a key package brings the key.
ALTER TABLE quarantine ADD COLUMN space TEXT;
