package dev.taskhub.server.engine;

import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;

/**
 * An activity waiting for or out on dispatch, with its delivery and abandon counts (guarded by the
 * hub's lock, {@link HubWork}).
 */
final class PendingActivity {
  final ActivityTask task;

  /** The line it waits in: the activity's name and version. */
  final WorkName name;

  int deliveries;

  /** When it was last sent to a worker (epoch ms), for the span of that attempt. */
  long dispatchedAt;

  /** Abandons in a row, and the stream of the last: a worker that refused the task. */
  int abandons;

  WorkerStream abandonedBy;

  /** Set when the task was completed or dropped while queued: the queue skips it. */
  boolean done;

  /** When it was first queued here (epoch ms): how long the backlog has waited. */
  final long queuedAt;

  PendingActivity(ActivityTask task) {
    this(task, 0);
  }

  PendingActivity(ActivityTask task, long queuedAt) {
    this.task = task;
    this.queuedAt = queuedAt;
    this.name = WorkName.of(task.request().getName(), task.request().getVersion());
  }

  ActivityId id() {
    return new ActivityId(task.key(), task.taskId());
  }

  /** Activities are correlated by instance and task id (old SDKs send no completion token). */
  record ActivityId(InstanceKey key, int taskId) {}
}
