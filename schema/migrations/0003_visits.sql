-- 0003 · Helpers and visits (issue 4): helpers 互助员, their current elders, the visit log 一访四查 and
-- local visit drafts. `helpers`, `helper_walks`, `elder_helpers` and `visits` are projections rebuilt from
-- the `helper`, `assignment` and `visits` documents; `visit_drafts` is local to this device and never synced.

-- One row per helper document ('<helper id>/helper').
CREATE TABLE helpers (
    helper_id       TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    phone           TEXT,
    lat             REAL,                      -- home, WGS-84
    lon             REAL,
    availability    TEXT,
    filed_on        TEXT,                      -- 备案 with the township, YYYY-MM-DD
    status          TEXT NOT NULL,             -- active, replaced
    replaced_by     TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX helpers_by_status ON helpers (status, name);

-- Walking minutes measured on foot from a helper's home to an elder's (overrides the estimate).
CREATE TABLE helper_walks (
    helper_id       TEXT NOT NULL REFERENCES helpers (helper_id) ON DELETE CASCADE,
    elder_id        TEXT NOT NULL,
    minutes         REAL NOT NULL,
    PRIMARY KEY (helper_id, elder_id)
) WITHOUT ROWID;

-- Each elder's current helper and risk level, from the elder's assignment document.
CREATE TABLE elder_helpers (
    elder_id        TEXT PRIMARY KEY,
    helper_id       TEXT,
    risk_level      TEXT,
    service         TEXT
);
CREATE INDEX elder_helpers_by_helper ON elder_helpers (helper_id);

-- One row per visit entry, amendments included (an amendment names the entry it corrects).
CREATE TABLE visits (
    visit_id        TEXT PRIMARY KEY,
    elder_id        TEXT NOT NULL,
    helper_id       TEXT NOT NULL,
    at              TEXT NOT NULL,             -- RFC 3339, UTC
    mode            TEXT NOT NULL,             -- door, phone, video
    food            TEXT NOT NULL,             -- fine, concern
    clothing        TEXT NOT NULL,
    housing         TEXT NOT NULL,
    medical         TEXT NOT NULL,
    concerns        INTEGER NOT NULL,
    services        TEXT NOT NULL,             -- service codes, comma-separated
    duration        INTEGER NOT NULL,          -- minutes
    lat             REAL,
    lon             REAL,
    distance_m      REAL,                      -- from the elder's home, when both are known
    amends          TEXT,                      -- visit_id of the entry this one corrects
    recorded_at     TEXT NOT NULL
);
CREATE INDEX visits_by_elder_at ON visits (elder_id, at);
CREATE INDEX visits_by_helper_at ON visits (helper_id, at);
CREATE INDEX visits_by_amends ON visits (amends);

-- A visit being filled in on this device, saved on every edit, removed on submit. Never synced.
CREATE TABLE visit_drafts (
    elder_id        TEXT PRIMARY KEY,
    data            TEXT NOT NULL,             -- the draft as JSON
    updated_at      TEXT NOT NULL
);
