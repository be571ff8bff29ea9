-- 0007 · The helper a helper's tablet belongs to, carried by its enrolment code: the helper's own lists
-- (my elders, the schedule, today's round) default to them. Additive: devices enrolled before have none.

ALTER TABLE sync_state ADD COLUMN helper TEXT;
