-- 0006 · The village office (issue 5): risk assessments 风险等级评估 and care agreements 委托照顾协议,
-- projected from each elder's `risk` and `agreement` documents (committee and township only). Rebuilt from
-- documents.

-- One row per assessment (history, append-only in the document).
CREATE TABLE risk_assessments (
    assessment_id   TEXT PRIMARY KEY,
    elder_id        TEXT NOT NULL,
    date            TEXT NOT NULL,             -- YYYY-MM-DD
    level           TEXT NOT NULL,             -- low | medium | high
    score           INTEGER NOT NULL,
    rules           TEXT NOT NULL,             -- the rules file's id
    assessor        TEXT NOT NULL,
    intervention    TEXT,                      -- the intervention chosen (high risk)
    follow_ups      INTEGER NOT NULL,          -- follow-ups recorded
    last_follow_up  TEXT,                      -- date of the latest follow-up
    recorded_at     TEXT NOT NULL
);
CREATE INDEX risk_by_elder ON risk_assessments (elder_id, date);

-- One row per agreement.
CREATE TABLE agreements (
    agreement_id    TEXT PRIMARY KEY,
    elder_id        TEXT NOT NULL,
    kind            TEXT NOT NULL,             -- self_care | assisted
    trustee         TEXT NOT NULL,             -- 乙方 name
    start           TEXT NOT NULL,
    last_day        TEXT NOT NULL,             -- the end, or the early end
    renews          TEXT,
    ended           INTEGER NOT NULL,          -- 1: ended early
    payments        INTEGER NOT NULL,
    paid_fen        INTEGER NOT NULL
);
CREATE INDEX agreements_by_elder ON agreements (elder_id, start);
