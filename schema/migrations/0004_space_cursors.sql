-- 0004 · Per-village pull cursors. A township device reads every village under its code, and each
-- village is a space of the relay with its own sequence numbers: one cursor per space, moved in the same
-- transaction that applies the space's page. A village device keeps its one cursor in sync_state.
-- Cleared when the relay's epoch changes and on a new enrolment.

CREATE TABLE space_cursors (
    space           TEXT PRIMARY KEY,          -- 12-digit village code
    cursor          INTEGER NOT NULL DEFAULT 0,-- last relay sequence number applied from this space
    head            INTEGER NOT NULL DEFAULT 0 -- the space's head when the relay last listed it (progress)
);
