-- 0001 · The registry: automerge documents, the outbox of changes for sync, and the projection that
-- serves every query. Documents are the truth; `elders` and `elder_categories` can always be rebuilt
-- from them (`shouwang rebuild`). Migrations are additive only: devices run mixed versions for months.

-- One row: which unit this registry serves, under which policy profile, and this device's actor id.
CREATE TABLE registry (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    unit        TEXT NOT NULL,                 -- 12-digit statistical division code
    name        TEXT NOT NULL,                 -- e.g. 斑竹村
    policy      TEXT NOT NULL,                 -- schema/policies/<policy>.toml
    actor       TEXT NOT NULL,                 -- automerge actor id of this device (hex)
    created_at  TEXT NOT NULL
);

-- Every document of every elder: '<elder id>/<kind>', kind one of card, family, profile, sensitive,
-- assignment. `data` is the whole document as automerge saves it; `heads` its sorted change hashes.
CREATE TABLE documents (
    doc_id      TEXT PRIMARY KEY,
    elder_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    data        BLOB NOT NULL,
    heads       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX documents_by_elder ON documents (elder_id);

-- Changes made on this device that the relay has not yet acknowledged, in the order they were made.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id      TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    change      BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

-- The projection: one row per elder, what lists and reports filter and sort on.
CREATE TABLE elders (
    elder_id        TEXT PRIMARY KEY,
    unit            TEXT NOT NULL,
    name            TEXT NOT NULL,
    sex             TEXT NOT NULL,
    birth_date      TEXT NOT NULL,             -- YYYY-MM-DD
    ethnicity       TEXT NOT NULL,
    id_number       TEXT,
    hukou           TEXT NOT NULL,
    address         TEXT NOT NULL,
    phone           TEXT,
    lat             REAL,
    lon             REAL,
    health          TEXT,
    education       TEXT,
    spouse          TEXT,
    care            TEXT,
    children        INTEGER NOT NULL,
    supporters      INTEGER NOT NULL,
    away_since      TEXT,                      -- YYYY-MM
    income          TEXT NOT NULL,             -- income source codes, comma-separated
    status          TEXT NOT NULL,
    archived_on     TEXT,
    conflicts       INTEGER NOT NULL,          -- fields two devices wrote concurrently
    updated_at      TEXT NOT NULL
);
CREATE INDEX elders_by_name ON elders (name);
CREATE INDEX elders_by_id_number ON elders (id_number);
CREATE INDEX elders_by_status_birth ON elders (status, birth_date);

CREATE TABLE elder_categories (
    elder_id    TEXT NOT NULL REFERENCES elders (elder_id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    PRIMARY KEY (elder_id, category)
) WITHOUT ROWID;
CREATE INDEX elder_categories_by_category ON elder_categories (category, elder_id);
