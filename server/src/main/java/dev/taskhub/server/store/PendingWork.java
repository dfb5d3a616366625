package dev.taskhub.server.store;

import java.util.List;

/**
 * Everything outstanding in the store, read at start-up to rebuild the dispatcher's queues: each
 * instance with inbox events and when the earliest becomes visible, and every uncompleted activity.
 */
public record PendingWork(List<PendingInstance> instances, List<ActivityTask> activities) {
  /**
   * An instance with at least one inbox event, the earliest visible at {@code visibleAt}; its name
   * is null if the instance row is gone.
   */
  public record PendingInstance(InstanceKey key, long visibleAt, WorkName name) {}
}
