-- ListInstanceIds pages through ended instances in order of completion.
CREATE INDEX instances_by_completed ON instances (hub, completed_at, instance_id)
    WHERE completed_at IS NOT NULL;
