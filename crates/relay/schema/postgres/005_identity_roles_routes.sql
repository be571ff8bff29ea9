-- Version 5 (issue 14): change identity, pushers' roles, office keys, routing (see the SQLite store's
-- 005_identity_roles_routes.sql for what each is).

ALTER TABLE changes DROP CONSTRAINT changes_space_hash_key;
ALTER TABLE changes ADD CONSTRAINT changes_identity UNIQUE (space, elder, kind, hash);
ALTER TABLE changes ADD COLUMN role TEXT;
UPDATE changes c SET role = d.role FROM devices d WHERE d.id = c.pusher;
CREATE INDEX changes_by_subject ON changes (space, elder, seq);

CREATE TABLE office_keys (
    space      TEXT PRIMARY KEY,
    generation BIGINT NOT NULL,
    key        BYTEA NOT NULL,
    set_at     BIGINT NOT NULL
);

CREATE TABLE routes (
    space   TEXT NOT NULL,
    helper  TEXT NOT NULL,
    subject TEXT NOT NULL,
    since   BIGINT NOT NULL,
    PRIMARY KEY (space, helper, subject)
);
CREATE TABLE route_lists (
    space   TEXT NOT NULL,
    helper  TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (space, helper)
);
CREATE TABLE route_tables (
    space  TEXT PRIMARY KEY,
    digest BIGINT NOT NULL
);
