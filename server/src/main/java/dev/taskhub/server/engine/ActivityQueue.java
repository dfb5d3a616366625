package dev.taskhub.server.engine;

import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One task hub's outstanding activities: those waiting for a worker, in order, and those out with
 * one, indexed by instance so that an instance that ends drops its own in time proportional to
 * them. An activity that is done (completed, or dropped while queued) stays in the line until it
 * reaches the front and is skipped there. Not thread-safe: the hub's lock ({@link HubWork}) guards
 * it.
 */
final class ActivityQueue {
  private final ArrayDeque<PendingActivity> ready = new ArrayDeque<>();
  private final Map<InstanceKey, Map<Integer, PendingActivity>> byInstance = new HashMap<>();

  /** Queues a task, unless the instance already has an outstanding task with its id. */
  void add(ActivityTask task) {
    Map<Integer, PendingActivity> tasks =
        byInstance.computeIfAbsent(task.key(), key -> new HashMap<>());
    if (!tasks.containsKey(task.taskId())) {
      PendingActivity pending = new PendingActivity(task);
      tasks.put(task.taskId(), pending);
      ready.add(pending);
    }
  }

  /** The outstanding (queued or leased) activity with this id, or null. */
  PendingActivity find(PendingActivity.ActivityId id) {
    Map<Integer, PendingActivity> tasks = byInstance.get(id.key());
    return tasks == null ? null : tasks.get(id.taskId());
  }

  /**
   * Forgets a completed activity, if the outstanding one with that id belongs to {@code
   * executionId} (any generation when null).
   */
  void complete(PendingActivity.ActivityId id, String executionId) {
    PendingActivity pending = find(id);
    if (pending != null
        && (executionId == null || executionId.equals(pending.task.executionId()))) {
      forget(pending);
    }
  }

  /** Drops every activity of an instance that ended or started a new generation. */
  void dropInstance(InstanceKey key) {
    Map<Integer, PendingActivity> tasks = byInstance.remove(key);
    if (tasks != null) {
      tasks.values().forEach(pending -> pending.done = true);
    }
  }

  /** Takes every queued (not leased) activity out of the queue, in order. */
  List<PendingActivity> drainQueued() {
    List<PendingActivity> drained = new ArrayList<>();
    for (PendingActivity pending : ready) {
      if (!pending.done) {
        forget(pending);
        drained.add(pending);
      }
    }
    ready.clear();
    return drained;
  }

  /** Puts an activity given back by a worker first in line. */
  void requeue(PendingActivity pending) {
    if (!pending.done) {
      ready.addFirst(pending);
    }
  }

  /**
   * Takes the next queued activity whose id is not {@code held} and that is not {@code refused};
   * those it passes over keep their place.
   */
  PendingActivity next(
      Predicate<PendingActivity.ActivityId> held, Predicate<PendingActivity> refused) {
    List<PendingActivity> passedOver = null;
    PendingActivity next;
    while ((next = ready.poll()) != null) {
      if (next.done) {
        continue;
      }
      if (!held.test(next.id()) && !refused.test(next)) {
        break;
      }
      if (passedOver == null) {
        passedOver = new ArrayList<>();
      }
      passedOver.add(next);
    }
    if (passedOver != null) {
      for (int i = passedOver.size() - 1; i >= 0; i--) {
        ready.addFirst(passedOver.get(i));
      }
    }
    return next;
  }

  /** Queued entries, counting done ones not yet skipped (an upper bound, for metrics). */
  int queued() {
    return ready.size();
  }

  boolean isEmpty() {
    return ready.isEmpty();
  }

  private void forget(PendingActivity pending) {
    pending.done = true;
    Map<Integer, PendingActivity> tasks = byInstance.get(pending.task.key());
    if (tasks != null) {
      tasks.remove(pending.task.taskId(), pending);
      if (tasks.isEmpty()) {
        byInstance.remove(pending.task.key());
      }
    }
  }
}
