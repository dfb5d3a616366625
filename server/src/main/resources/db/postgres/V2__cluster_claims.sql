-- Several scheduler nodes on one database: the nodes, their claims on work, and completions that
-- reached a node other than the one that dispatched the work item.

-- A node's claims hold while alive_until lies in the future; it renews it every few seconds. Once a
-- node's registration has lapsed, any live node deletes it and sets its claims back to NULL.
CREATE TABLE nodes (
    node_id     TEXT   PRIMARY KEY,
    started_at  BIGINT NOT NULL,
    alive_until BIGINT NOT NULL
);

-- The node that runs the instance's episodes; NULL: any node may claim it.
ALTER TABLE instances ADD COLUMN owner TEXT;
-- The node that dispatches the activity; NULL: any node may claim it.
ALTER TABLE activities ADD COLUMN owner TEXT;

-- Claims look at unowned running instances (with visible inbox events) and unowned open
-- activities, oldest first; releases and reaping look rows up by owner.
CREATE INDEX instances_unowned ON instances (hub) WHERE completed_at IS NULL AND owner IS NULL;
CREATE INDEX instances_owned ON instances (owner) WHERE completed_at IS NULL AND owner IS NOT NULL;
CREATE INDEX activities_unowned ON activities (hub, scheduled_at)
    WHERE completed_at IS NULL AND owner IS NULL;
CREATE INDEX activities_owned ON activities (owner)
    WHERE completed_at IS NULL AND owner IS NOT NULL;

CREATE TABLE relayed_completions (
    id         BIGSERIAL PRIMARY KEY,
    node_id    TEXT     NOT NULL,
    hub        TEXT COLLATE "C" NOT NULL,
    kind       SMALLINT NOT NULL,  -- 1 orchestration, 2 activity
    response   BYTEA    NOT NULL,  -- OrchestratorResponse or ActivityResponse
    created_at BIGINT   NOT NULL
);
CREATE INDEX relayed_by_node ON relayed_completions (node_id, id);
