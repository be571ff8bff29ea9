-- 0002 · Sync: which relay this device is enrolled with, where its pull stopped, and changes from the
-- relay that could not be applied (quarantined and reported, never blocking the queue).

CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    relay           TEXT NOT NULL,             -- base URL
    token           TEXT NOT NULL,             -- bearer token from enrolment
    device_id       TEXT NOT NULL,
    role            TEXT NOT NULL,             -- helper, committee, township, family
    scope           TEXT NOT NULL,             -- 12-digit unit code
    elder           TEXT,                      -- family devices: their one elder
    epoch           TEXT NOT NULL,             -- the relay's epoch the cursor belongs to
    cursor          INTEGER NOT NULL DEFAULT 0,-- last relay sequence number applied
    last_success    TEXT,                      -- when everything was last acknowledged and pulled
    last_attempt    TEXT,
    last_error      TEXT
);

CREATE TABLE quarantine (
    hash            TEXT PRIMARY KEY,
    doc_id          TEXT NOT NULL,
    change          BLOB NOT NULL,
    reason          TEXT NOT NULL,             -- undecodable, hash_mismatch, missing_dependencies, rejected
    received_at     TEXT NOT NULL
);
