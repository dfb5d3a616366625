-- The activity's name and version, out of its request: what work-item filters match on.
-- NULL for activities scheduled before this version (only streams without filters take those
-- when claims select by name).
ALTER TABLE activities ADD COLUMN name TEXT;
ALTER TABLE activities ADD COLUMN version TEXT;
