-- Recurring schedules (/api/v1/hubs/{hub}/schedules): what to start and when (cron in a time
-- zone, or a fixed interval), and where firing stands. A fire creates the run's instance (id
-- <schedule_id>-<fire time>) and moves next_fire_at in one transaction guarded by revision, so a
-- fire time starts at most one run, whatever crashes and however many nodes fire.
CREATE TABLE schedules (
    hub                TEXT COLLATE "C" NOT NULL,
    schedule_id        TEXT COLLATE "C" NOT NULL,
    orchestration      TEXT    NOT NULL,
    version            TEXT,
    input              TEXT,
    cron               TEXT,
    interval_ms        BIGINT,
    time_zone          TEXT    NOT NULL,
    start_at           BIGINT,
    end_at             BIGINT,
    overlap            TEXT    NOT NULL,
    catch_up_window_ms BIGINT  NOT NULL,
    paused             INTEGER NOT NULL,
    next_fire_at       BIGINT,
    buffered_fire_at   BIGINT,
    last_fire_at       BIGINT,
    last_instance_id   TEXT,
    runs               BIGINT  NOT NULL,
    skipped            BIGINT  NOT NULL,
    missed             BIGINT  NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    revision           BIGINT  NOT NULL,
    PRIMARY KEY (hub, schedule_id)
);
CREATE INDEX schedules_by_next_fire ON schedules (next_fire_at);
