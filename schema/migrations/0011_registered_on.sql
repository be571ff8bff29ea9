-- 0011 · The day an elder joined the registry (the form's 填报日期) in the projection, so that a
-- past day's schedule and a past month's report count only the elders registered by then (issue 16).
-- Projection only: rows projected before this migration keep NULL ("registered from the start") until
-- the elder's next change or a rebuild.

ALTER TABLE elders ADD COLUMN registered_on TEXT;
