package dev.taskhub.server.engine;

import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task hub's queues on this node, as a claiming {@link WorkSource} sees them: what its streams
 * have room for, and how claimed work gets in and released work gets out. Thread-safe; the last two
 * may also be called from a {@code WorkSource} method that runs under the hub's lock.
 */
public interface HubQueues {
  /** How much more work the connected streams could use: what a claim asks for. */
  record Room(int instances, int activities) {}

  String hub();

  Room room();

  int connectedStreams();

  /** What the connected streams' filters take, together: what a claim may take. */
  WorkFilter takes();

  /** Work claimed from the shared store: queued for this node's streams. */
  void claimed(
      List<InstanceKey> instances, Map<InstanceKey, WorkName> names, List<ActivityTask> activities);

  /** Instances this node runs got inbox events committed elsewhere: queued. */
  void wake(List<InstanceKey> instances);

  /**
   * The store says this node runs these instances and they have events: any that is neither queued
   * nor in flight missed a wake-up and is queued now, as is every one in {@code adopted}.
   *
   * @return how many were queued
   */
  int ensureRunning(List<InstanceKey> owned, Set<InstanceKey> adopted);

  /**
   * This node's claims lapsed: the queued ones of these instances and every queued activity leave
   * the queues (work out with a worker finishes).
   */
  void dropQueued(Collection<InstanceKey> instances);

  /**
   * Of these instances, those not in flight, taken out of the queues.
   *
   * @return the instances that are idle here now
   */
  List<InstanceKey> takeIdle(Collection<InstanceKey> instances);

  /** Every queued activity, taken out of the queue, in order. */
  List<ActivityTask> takeQueuedActivities();
}
