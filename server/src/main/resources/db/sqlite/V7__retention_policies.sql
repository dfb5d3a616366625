-- Retention policies set at run time per task hub (PUT /api/v1/hubs/{hub}/retention), in the
-- form --retention takes (completed=7d,failed=30d,...); a hub without a row keeps --retention's.
CREATE TABLE retention_policies (
    hub        TEXT   PRIMARY KEY,
    policy     TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);
