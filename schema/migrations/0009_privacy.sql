-- 0009 · Role views, consent and the audit log (issue 7).
-- `elders.id_masked` is the ID number as a helper sees it (4403**********123X), projected from the
-- `profile` document where the committee writes it, since helper devices never hold `sensitive`;
-- `elders.consent` is the state of the elder's consent records (`profile.consents`): given,
-- withdrawn, or NULL when none is recorded (the registry shows 未签同意).
ALTER TABLE elders ADD COLUMN id_masked TEXT;
ALTER TABLE elders ADD COLUMN consent TEXT;

-- This device's audit log: who viewed or changed which sensitive field of which elder, when. Names of
-- fields only, never values. Each entry's hash is SHA-256(prev hash || canonical entry), so an edited or
-- deleted entry breaks the chain. Not a projection: it is this device's own record, mirrored into its
-- `audit` document (which travels to the committee) in the same transaction. Append-only.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,           -- 1, 2, 3… without gaps
    at          TEXT NOT NULL,                 -- RFC 3339
    device      TEXT NOT NULL,                 -- the device's automerge actor id
    role        TEXT NOT NULL,                 -- the viewer's role
    action      TEXT NOT NULL,                 -- view, change, export, erase, consent
    elder       TEXT,                          -- the elder's id
    fields      TEXT NOT NULL,                 -- JSON array of field names
    prev        TEXT NOT NULL,                 -- hash of the entry before (64 zeros for the first)
    hash        TEXT NOT NULL                  -- SHA-256(prev || canonical entry), hex
);
CREATE INDEX audit_log_by_elder ON audit_log (elder, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
