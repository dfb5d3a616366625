package dev.taskhub.server.engine;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.OrchestrationStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poison limit: a work item given back this many times in a row (its lease expired, it was
 * abandoned, its stream went away) is failed for good instead of looping forever. An orchestration
 * fails with {@code PoisonMessage}; an activity's task fails with it, so its orchestrator decides.
 */
final class PoisonControl {
  private static final Logger log = LoggerFactory.getLogger(PoisonControl.class);

  private final int limit;
  private final StepPlanner planner;

  PoisonControl(int limit, StepPlanner planner) {
    this.limit = limit;
    this.planner = planner;
  }

  /** True once an item has been given back {@code deliveries} times. */
  boolean exceeded(int deliveries) {
    return deliveries >= limit;
  }

  /** The step that fails the instance whose episode was given back {@code deliveries} times. */
  OrchestrationStep failOrchestration(InstanceKey key, Episode episode, int deliveries, long now) {
    String reason =
        "The orchestration work item of '"
            + key.instanceId()
            + "' was delivered "
            + deliveries
            + " times without being completed (poison limit "
            + limit
            + ")";
    log.error("{}; failing the instance", reason);
    return planner.fail(episode, now, Events.failure("PoisonMessage", reason));
  }

  /** The result that fails an activity given back {@code deliveries} times. */
  HistoryEvent failActivity(ActivityTask task, int deliveries, long now) {
    String reason =
        "Activity '"
            + task.request().getName()
            + "' (task "
            + task.taskId()
            + " of '"
            + task.key().instanceId()
            + "') was delivered "
            + deliveries
            + " times without being completed (poison limit "
            + limit
            + ")";
    log.error("{}; failing the task", reason);
    return Events.taskFailed(task.taskId(), Events.failure("PoisonMessage", reason), now);
  }
}
