-- Version 2: who pushed each change, so that a pull leaves out the changes the pulling device sent itself
-- (it has them already). Additive: older rows have no pusher and are served to everyone as before.

-- The device that first pushed the change.
ALTER TABLE changes ADD COLUMN pusher TEXT;

-- Every other device that later pushed a change the space already held (after a relay restore, or one
-- change reaching the relay from two devices).
CREATE TABLE repushes (
    space  TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    device TEXT NOT NULL,
    PRIMARY KEY (space, seq, device)
) STRICT, WITHOUT ROWID;
