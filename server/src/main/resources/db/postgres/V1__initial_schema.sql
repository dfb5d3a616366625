-- Taskhub store on PostgreSQL, version 1: the same tables, columns and indexes as db/sqlite/V1.
-- Every table is keyed by task hub first so hubs never see each other's rows.
-- Times are epoch milliseconds. Events are serialized protobuf HistoryEvent messages.
-- Identifiers compare with the "C" collation (byte order, as SQLite's BINARY): the keyset paging
-- and the id and name prefix ranges of the shared SQL rely on it, whatever the database's locale.

CREATE TABLE instances (
    hub                TEXT COLLATE "C" NOT NULL,
    instance_id        TEXT COLLATE "C" NOT NULL,
    execution_id       TEXT    NOT NULL,
    name               TEXT COLLATE "C" NOT NULL,
    version            TEXT,
    status             INTEGER NOT NULL,  -- OrchestrationStatus wire number
    input              TEXT,
    output             TEXT,
    custom_status      TEXT,
    failure            BYTEA,             -- TaskFailureDetails
    parent_instance_id TEXT COLLATE "C",
    tags               TEXT,              -- JSON object of string values
    created_at         BIGINT  NOT NULL,
    last_updated_at    BIGINT  NOT NULL,
    completed_at       BIGINT,
    scheduled_start_at BIGINT,
    history_length     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hub, instance_id)
);
CREATE INDEX instances_by_status ON instances (hub, status, created_at);
CREATE INDEX instances_by_created ON instances (hub, created_at);
CREATE INDEX instances_by_parent ON instances (hub, parent_instance_id);

-- Append-only per generation. seq starts at 0.
CREATE TABLE history (
    hub         TEXT COLLATE "C" NOT NULL,
    instance_id TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    event       BYTEA   NOT NULL,
    PRIMARY KEY (hub, instance_id, seq)
);

-- Pending events for an instance. Timers are rows whose visible_at lies in the future.
-- execution_id is the generation the event belongs to, NULL for "whichever is current".
CREATE TABLE inbox (
    id           BIGSERIAL PRIMARY KEY,
    hub          TEXT COLLATE "C" NOT NULL,
    instance_id  TEXT COLLATE "C" NOT NULL,
    execution_id TEXT,
    visible_at   BIGINT  NOT NULL,
    event        BYTEA   NOT NULL
);
CREATE INDEX inbox_by_instance ON inbox (hub, instance_id, visible_at);

-- Scheduled activities. completed_at is set once, which makes a second completion a no-op.
CREATE TABLE activities (
    hub          TEXT COLLATE "C" NOT NULL,
    instance_id  TEXT COLLATE "C" NOT NULL,
    task_id      INTEGER NOT NULL,
    execution_id TEXT    NOT NULL,
    request      BYTEA   NOT NULL,    -- ActivityRequest as sent to workers
    scheduled_at BIGINT  NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (hub, instance_id, task_id)
);
CREATE INDEX activities_open ON activities (completed_at);
