-- 0010 · Change identity is the document's address plus the change's hash (issue 14). Two documents
-- may hold byte-identical changes — two namesakes (same name, sex and address) registered by one device
-- in the same millisecond, as a ledger import does for every row — and both must reach every device.
-- The outbox and the quarantine were keyed by the hash alone, so the second change was dropped; they
-- are rebuilt keyed by (doc_id, hash). Local tables only: nothing another device reads changes shape.
--
-- Elder ids are keyed from this migration on (HMAC with the village's id key): a registry holding
-- records under the old unkeyed ids is refused before this migration runs (`store::migrate`).

CREATE TABLE outbox_keyed (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id      TEXT NOT NULL,
    hash        TEXT NOT NULL,
    change      BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    what        INTEGER NOT NULL DEFAULT 0,
    held        TEXT,                          -- why the relay refused it (held until keys change)
    UNIQUE (doc_id, hash)
);
INSERT INTO outbox_keyed (seq, doc_id, hash, change, created_at, what)
    SELECT seq, doc_id, hash, change, created_at, what FROM outbox ORDER BY seq;
-- Positions keep growing from where the old outbox stopped.
DELETE FROM sqlite_sequence WHERE name = 'outbox_keyed';
INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox_keyed', seq FROM sqlite_sequence WHERE name = 'outbox';
DROP TABLE outbox;
ALTER TABLE outbox_keyed RENAME TO outbox;

CREATE TABLE quarantine_keyed (
    hash            TEXT NOT NULL,
    doc_id          TEXT NOT NULL,
    change          BLOB NOT NULL,
    reason          TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    space           TEXT,
    PRIMARY KEY (doc_id, hash)
);
INSERT INTO quarantine_keyed (hash, doc_id, change, reason, received_at, space)
    SELECT hash, doc_id, change, reason, received_at, space FROM quarantine;
DROP TABLE quarantine;
ALTER TABLE quarantine_keyed RENAME TO quarantine;

-- A quarantined change may be held for what its pusher's role may not write (`forbidden`): `detail`
-- names the role and the fields, for the committee's review list.
ALTER TABLE quarantine ADD COLUMN detail TEXT;
-- The role of the device that pushed a held change (as the relay reported it), so that a change held for
-- a key or for its dependencies is checked against what that role may write when it is applied.
ALTER TABLE quarantine ADD COLUMN by_role TEXT;

-- Key generations hold one more level, `verify`: the generation's office key (a public key), which a
-- helper's or family's device checks erasures with. A generation's rows are told apart by level too.
CREATE TABLE key_generations_v10 (
    space           TEXT NOT NULL,
    generation      INTEGER NOT NULL,
    level           TEXT NOT NULL,             -- root | village | card | verify
    elder           TEXT NOT NULL DEFAULT '',  -- card level: the elder
    alg             TEXT NOT NULL,
    key             BLOB NOT NULL,
    added_at        TEXT NOT NULL,
    PRIMARY KEY (space, generation, level, elder)
);
INSERT INTO key_generations_v10 SELECT space, generation, level, elder, alg, key, added_at FROM key_generations;
DROP TABLE key_generations;
ALTER TABLE key_generations_v10 RENAME TO key_generations;

-- The office key this (office) device last gave the relay for its village, and its generation: when a
-- rotation makes a newer one, the device sends the relay the change signed with this one.
CREATE TABLE office_registration (
    space           TEXT PRIMARY KEY,
    generation      INTEGER NOT NULL,
    registered_at   TEXT NOT NULL
);

-- Routing (a helper's tablet): the subjects its committee routed to its helper, with the version of the
-- list at which each was routed, and the list's version this device has caught up with. A committee's
-- device keeps nothing here: it computes its table from the assignments and compares digests.
CREATE TABLE routed_subjects (
    subject         TEXT PRIMARY KEY,
    since           INTEGER NOT NULL
);
CREATE TABLE routing_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    version         INTEGER NOT NULL
);
