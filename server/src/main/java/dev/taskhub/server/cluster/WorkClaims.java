package dev.taskhub.server.cluster;

import dev.taskhub.server.engine.WorkFilter;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkName;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Node-owned claims on a task hub's work, for several scheduler nodes sharing one database.
 *
 * <p>A node registers itself and keeps renewing its registration; its claims hold while the
 * registration is alive. An instance claim means "this node runs the instance's episodes" and lasts
 * until the node releases it (the instance ended, the node has no workers left) or dies; an
 * activity claim means "this node dispatches the task" and lasts until the task is completed or
 * released. Claims are about who does the work, not about correctness: steps are still checked
 * against the history length and completions are idempotent, so two nodes that both think they own
 * something waste work but never apply it twice.
 */
public interface WorkClaims {

  /** Registers (or re-registers) a node alive until {@code aliveUntil}. */
  void registerNode(String nodeId, long now, long aliveUntil);

  /**
   * Extends a node's registration.
   *
   * @return false if it had lapsed (other nodes may have taken its claims) or was removed
   */
  boolean renewNode(String nodeId, long now, long aliveUntil);

  /** Releases everything the node claimed and removes its registration (clean shutdown). */
  void deregisterNode(String nodeId);

  /**
   * Deletes the registrations of other nodes that lapsed before {@code now} and sets their claims
   * back to unowned, so that live nodes can claim that work.
   *
   * @param nodeId the calling node, never reaped by itself
   * @return how many nodes were removed
   */
  int reapDeadNodes(String nodeId, long now);

  /** True if the node's registration is alive at {@code now}. */
  boolean isAlive(String nodeId, long now);

  /**
   * Claims for {@code nodeId} up to {@code maxInstances} unowned running instances of the hub that
   * have inbox events visible at {@code now}, and up to {@code maxActivities} unowned open
   * activities (oldest first). Rows other nodes are claiming at the same moment are skipped, not
   * waited for. A node whose registration is not alive at {@code now} claims nothing: a live node
   * may have reaped it, and rows claimed under an id that is no longer registered would be held by
   * no node any reaper knows of. Only instances and activities whose names and versions {@code
   * takes} accepts are claimed: the node's workers' filters.
   */
  Claimed claim(
      String hub, String nodeId, long now, int maxInstances, int maxActivities, WorkFilter takes);

  /**
   * The running instances of the hub the node owns that have inbox events visible at {@code now}:
   * the periodic check that none of them waits for a wake-up the node missed.
   */
  List<InstanceKey> ownedWithVisibleEvents(String hub, String nodeId, long now);

  /** Gives up the node's claims on these instances and activities (others' claims are kept). */
  void release(
      String nodeId, Collection<InstanceKey> instances, Collection<ActivityKey> activities);

  /** The live node that owns the instance, if any. */
  Optional<String> liveInstanceOwner(InstanceKey key, long now);

  /** The live node that owns the open activity, if any. */
  Optional<String> liveActivityOwner(ActivityKey key, long now);

  /** Stores a completion for the node that dispatched its work item. */
  void relay(RelayedCompletion completion);

  /** Takes (deletes and returns) the completions relayed to the node, oldest first. */
  List<RelayedCompletion> takeRelayed(String nodeId);

  /**
   * Takes the completions relayed to nodes that are no longer alive at {@code now}, so that a live
   * node can apply what still can be (activity results) and drop the rest.
   */
  List<RelayedCompletion> takeOrphanedRelays(long now);

  /** What one {@link #claim} call won, with the names and versions of the instances. */
  record Claimed(
      List<InstanceKey> instances,
      Map<InstanceKey, WorkName> names,
      List<ActivityTask> activities) {
    public Claimed {
      instances = List.copyOf(instances);
      names = Map.copyOf(names);
      activities = List.copyOf(activities);
    }

    public boolean isEmpty() {
      return instances.isEmpty() && activities.isEmpty();
    }
  }

  /** An activity task of an instance. */
  record ActivityKey(InstanceKey instance, int taskId) {}

  /**
   * A worker's completion that arrived at a node other than the one holding its lease.
   *
   * @param nodeId the node it is for
   * @param hub the task hub
   * @param kind which response {@code response} holds
   * @param response the serialized {@code OrchestratorResponse} or {@code ActivityResponse}
   */
  record RelayedCompletion(String nodeId, String hub, Kind kind, byte[] response, long createdAt) {
    public enum Kind {
      ORCHESTRATION,
      ACTIVITY,
      ENTITY
    }
  }
}
