-- 0005 · Cases 个案 of the chain 发现 → 报告 → 转介 → 救助 and the emergencies 助急 that open them (issue 4),
-- projected from each elder's `cases` document; and visit entries another device rewrote after they were
-- submitted (the `visits` document is append-only), found when projecting. All rebuilt from documents.

-- One row per case.
CREATE TABLE cases (
    case_id         TEXT PRIMARY KEY,
    elder_id        TEXT NOT NULL,
    opened_at       TEXT NOT NULL,             -- 发现, RFC 3339 UTC
    opened_by       TEXT NOT NULL,
    summary         TEXT NOT NULL,
    visit_id        TEXT,                      -- the visit whose concern opened it
    emergency       INTEGER NOT NULL,          -- 1: opened by an emergency 助急
    called          TEXT NOT NULL,             -- parties called, comma-separated codes
    stage           TEXT NOT NULL,             -- furthest stage reached
    stage_at        TEXT NOT NULL,             -- when it was first reached
    closed_at       TEXT,
    outcome         TEXT
);
CREATE INDEX cases_by_elder ON cases (elder_id, opened_at);
CREATE INDEX cases_open ON cases (closed_at, stage_at);

-- One row per stage entry after 发现 (two devices may both record a stage: both rows are kept).
CREATE TABLE case_stages (
    entry_id        TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL,
    elder_id        TEXT NOT NULL,
    stage           TEXT NOT NULL,
    at              TEXT NOT NULL,
    owner           TEXT NOT NULL,
    note            TEXT NOT NULL,
    skip_reason     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE INDEX case_stages_by_case ON case_stages (case_id, at);

-- A submitted visit entry that a later change (from another device) rewrote: the original as first
-- submitted, kept for the committee's review list.
CREATE TABLE visit_rewrites (
    visit_id        TEXT PRIMARY KEY,
    elder_id        TEXT NOT NULL,
    original        TEXT NOT NULL              -- the entry as first submitted, JSON
);
