-- Durable entities are rows of instances whose id is '@name@key': status RUNNING, never ended, so
-- they are woken, owned and claimed like orchestrations. Their queued operations, lock requests and
-- unlocks are inbox rows; history_length counts the batches applied and guards the next one.
ALTER TABLE instances ADD COLUMN entity_state TEXT;  -- serialized state; NULL: the entity has none
ALTER TABLE instances ADD COLUMN locked_by TEXT;     -- orchestration whose critical section holds it
ALTER TABLE instances ADD COLUMN lock_section TEXT;  -- that critical section's id
