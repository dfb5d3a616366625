-- The span an SDK opened for the orchestration (OrchestrationTraceContext, protobuf), handed back
-- to it with every later episode so that all of them report under one span.
ALTER TABLE instances ADD COLUMN trace_context BYTEA;
