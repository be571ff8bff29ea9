-- Version 4 (issue 7): erasures and key labels. Additive: older rows have no label and nothing is erased.

-- The elders (subjects) erased in a space: the committee pushed an erasure envelope to the elder's
-- `keyring` document. The relay then holds nothing else of the subject in that space, and drops what
-- devices push for it later (acknowledged, not stored). `hash` is the erasure envelope's, the one change
-- of the subject the space keeps.
CREATE TABLE erased (
    space   TEXT NOT NULL,
    subject TEXT NOT NULL,
    hash    TEXT NOT NULL,
    PRIMARY KEY (space, subject)
) STRICT, WITHOUT ROWID;

-- The key id (32 hex) a committee puts in the key bundle of the device a code enrols, kept on the code
-- and copied to the device on redeem, so the committee can tell which device holds which key package.
ALTER TABLE enrolments ADD COLUMN label TEXT;
ALTER TABLE devices ADD COLUMN label TEXT;
