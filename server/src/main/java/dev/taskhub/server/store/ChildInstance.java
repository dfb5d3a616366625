package dev.taskhub.server.store;

import dev.taskhub.protocol.HistoryEvent;

/**
 * A sub-orchestration a step creates. If its id is taken by an instance that has not ended, the
 * child is not created and {@code conflictEvent} (a failure of the parent's task) goes into the
 * parent's inbox instead, so the parent learns of it rather than waiting forever.
 */
public record ChildInstance(NewInstance instance, InstanceKey parent, HistoryEvent conflictEvent) {}
