-- Version 5 (issue 14): change identity, pushers' roles, office keys, routing.

-- A change is identified by its document's address and its hash: the same bytes pushed to two
-- documents are two changes. The table is rebuilt with that key (SQLite cannot alter a constraint);
-- each change also records the role of the device that first pushed it, which pulls report so that
-- every receiving device can refuse what that role may not write. Rows from before keep the role of
-- their pusher's device, or none (pushed by the operator's tools): reported as the committee's.
CREATE TABLE changes_v5 (
    space       TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    elder       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    pusher      TEXT,
    role        TEXT,
    PRIMARY KEY (space, seq),
    UNIQUE (space, elder, kind, hash)
) STRICT;
INSERT INTO changes_v5 (space, seq, hash, elder, kind, bytes, received_at, pusher, role)
    SELECT c.space, c.seq, c.hash, c.elder, c.kind, c.bytes, c.received_at, c.pusher,
           (SELECT d.role FROM devices d WHERE d.id = c.pusher)
    FROM changes c;
DROP TABLE changes;
ALTER TABLE changes_v5 RENAME TO changes;
CREATE INDEX changes_by_subject ON changes (space, elder, seq);

-- Each village's office key: the Ed25519 public key of its office signing key for one generation. Set
-- by the village's first office device to enrol; replaced only by a change signed with the key held.
-- Erasures are acted on only when signed by it.
CREATE TABLE office_keys (
    space      TEXT PRIMARY KEY,
    generation INTEGER NOT NULL,
    key        BLOB NOT NULL,
    set_at     INTEGER NOT NULL
) STRICT;

-- The routing of a village, kept by its committee: the subjects (elders) whose documents each
-- helper's tablet receives. `since` is the version of the helper's list at which the subject was
-- (last) routed to it; `route_lists` numbers each helper's list, `route_tables` holds the digest of the
-- whole table a committee compares with its own.
CREATE TABLE routes (
    space   TEXT NOT NULL,
    helper  TEXT NOT NULL,
    subject TEXT NOT NULL,
    since   INTEGER NOT NULL,
    PRIMARY KEY (space, helper, subject)
) STRICT, WITHOUT ROWID;
CREATE TABLE route_lists (
    space   TEXT NOT NULL,
    helper  TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (space, helper)
) STRICT, WITHOUT ROWID;
CREATE TABLE route_tables (
    space  TEXT PRIMARY KEY,
    digest INTEGER NOT NULL
) STRICT;
