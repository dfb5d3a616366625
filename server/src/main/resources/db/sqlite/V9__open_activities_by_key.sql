-- The open-activities index held every activity, keyed by completed_at alone, so it grew with every
-- activity ever run and every completion moved an entry. It holds only open rows now, keyed like
-- the primary key (PostgreSQL's V10 says why the key matters there): smaller pages to write per
-- completion, and the start-up scan of open activities reads only those.
DROP INDEX activities_open;
CREATE INDEX activities_open ON activities (hub, instance_id, task_id) WHERE completed_at IS NULL;
