-- Version 3: a helper's tablet is bound to one helper (the subject id of its `helper` document), named
-- when the code is made and carried to the device. Additive: older codes and devices have none.

ALTER TABLE enrolments ADD COLUMN helper TEXT;
ALTER TABLE devices ADD COLUMN helper TEXT;
