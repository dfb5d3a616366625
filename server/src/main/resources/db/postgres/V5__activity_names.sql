-- The activity's name and version, out of its request: what work-item filters match on, so that
-- a node claims only activities its workers take. NULL for activities scheduled before this
-- version: only nodes with a worker that sends no filters claim those.
ALTER TABLE activities ADD COLUMN name TEXT;
ALTER TABLE activities ADD COLUMN version TEXT;
