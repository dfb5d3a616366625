-- Indexes of the two queue tables whose shape no longer leaves PostgreSQL a slow choice.
--
-- Once pgJDBC prepares a statement on the server, PostgreSQL may run it with a generic plan,
-- chosen from statistics that lag far behind these tables (an instance's inbox and open
-- activities grow from none to thousands and back within seconds). Two plans it chose that way
-- made a fan-out of N cost O(N^2): a completion's UPDATE ... WHERE hub, instance_id, task_id AND
-- completed_at IS NULL ran on the index of completed_at and filtered every open activity of the
-- hub; a step's DELETE FROM inbox WHERE id, hub, instance_id ran on the index of (hub,
-- instance_id, visible_at) and filtered all of the instance's inbox, once per consumed event.
-- Keyed so that every index such a statement can use finds its row directly, the choice no longer
-- matters.

-- Open activities only, keyed like the primary key: a completion removes one entry instead of
-- moving it, and the start-up scan of open activities reads only those.
DROP INDEX activities_open;
CREATE INDEX activities_open ON activities (hub, instance_id, task_id) WHERE completed_at IS NULL;

-- An instance's inbox in arrival order (how a work item reads it), with visible_at in the index
-- so that the claim's "has a visible event" check needs no heap access.
DROP INDEX inbox_by_instance;
CREATE INDEX inbox_by_instance ON inbox (hub, instance_id, id) INCLUDE (visible_at);
