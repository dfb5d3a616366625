package dev.taskhub.server.engine;

import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One task hub's outstanding activities: those waiting for a worker, in one line per activity name
 * and version ({@link ReadyLines}), and those out with one, indexed by instance so that an instance
 * that ends drops its own in time proportional to them. An activity that is done (completed, or
 * dropped while queued) stays in its line until a take reaches it and drops it. Not thread-safe:
 * the hub's lock ({@link HubWork}) guards it.
 */
final class ActivityQueue {
  private final ReadyLines<PendingActivity> ready = new ReadyLines<>();
  private final Map<InstanceKey, Map<Integer, PendingActivity>> byInstance = new HashMap<>();
  private final LongSupplier now;

  ActivityQueue() {
    this(() -> 0);
  }

  /** A queue that stamps each activity with {@code now} as it is queued. */
  ActivityQueue(LongSupplier now) {
    this.now = now;
  }

  /** Queues a task, unless the instance already has an outstanding task with its id. */
  void add(ActivityTask task) {
    Map<Integer, PendingActivity> tasks =
        byInstance.computeIfAbsent(task.key(), key -> new HashMap<>());
    if (!tasks.containsKey(task.taskId())) {
      PendingActivity pending = new PendingActivity(task, now.getAsLong());
      tasks.put(task.taskId(), pending);
      ready.add(pending.name, pending);
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

  /** Takes every queued (not leased) activity out of the queue, line by line. */
  List<PendingActivity> drainQueued() {
    return forgetAll(ready.drain().values());
  }

  /** Takes every queued activity whose name {@code hosted} rejects out of the queue. */
  List<PendingActivity> drainUnless(Predicate<WorkName> hosted) {
    return forgetAll(ready.drainUnless(hosted).values());
  }

  private List<PendingActivity> forgetAll(Collection<ArrayDeque<PendingActivity>> lines) {
    List<PendingActivity> drained = new ArrayList<>();
    for (ArrayDeque<PendingActivity> line : lines) {
      for (PendingActivity pending : line) {
        if (!pending.done) {
          forget(pending);
          drained.add(pending);
        }
      }
    }
    return drained;
  }

  /** Puts an activity given back by a worker first in its line. */
  void requeue(PendingActivity pending) {
    if (!pending.done) {
      ready.addFirst(pending.name, pending);
    }
  }

  /**
   * Takes the next queued activity of a line {@code accepts} admits whose id is not {@code held}
   * and that is not {@code refused}; those it passes over keep their place.
   */
  PendingActivity next(
      Predicate<WorkName> accepts,
      Predicate<PendingActivity.ActivityId> held,
      Predicate<PendingActivity> refused) {
    return ready.take(
        accepts,
        pending -> pending.done,
        pending -> held.test(pending.id()) || refused.test(pending));
  }

  /** Whether a line was opened since the last call. */
  boolean linesAdded() {
    return ready.linesAdded();
  }

  /** Queued entries per activity name and version, counting done ones not yet dropped. */
  Map<WorkName, Integer> queuedByName() {
    return ready.counts();
  }

  /** When the longest-waiting queued activity was queued (epoch ms), or 0 when none waits. */
  long oldestQueuedAt() {
    long oldest = 0;
    for (PendingActivity pending : ready.heads()) {
      if (!pending.done && (oldest == 0 || pending.queuedAt < oldest)) {
        oldest = pending.queuedAt;
      }
    }
    return oldest;
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
