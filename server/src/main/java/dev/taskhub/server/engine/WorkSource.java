package dev.taskhub.server.engine;

import com.google.protobuf.Message;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import java.util.List;

/**
 * Where one task hub's work comes from on this node, and where work this node does not run goes. A
 * scheduler alone on its store runs everything it commits ({@link Membership#alone()}); a node
 * among several claims its share from the shared store and hands the rest to the other nodes
 * ({@code cluster.ClaimedWorkSource}).
 *
 * <p>Methods marked <em>locked</em> are called with the hub's dispatcher lock held: they must be
 * quick and must not block on I/O.
 */
public interface WorkSource {
  /**
   * Locked. An inbox event of the instance became visible: true if this node runs the instance's
   * episodes (the dispatcher queues it); otherwise the source hands the wake-up on to whoever does.
   */
  boolean runsHere(InstanceKey key);

  /**
   * Locked. A step committed these activities.
   *
   * @return those this node dispatches now (the rest are left for claims)
   */
  List<ActivityTask> queueHere(List<ActivityTask> committed);

  /** The instance ended or is gone: nothing of it runs here any more (with or without the lock). */
  void ended(InstanceKey key);

  /**
   * Locked. A step of the instance was rejected because the instance moved on without it.
   *
   * @return true if this node runs the instance again; false if it leaves it to whoever claims it
   */
  boolean rerunAfterRejectedStep(InstanceKey key);

  /** Locked. The hub's last worker stream on this node went away. */
  void lastStreamLeft();

  /**
   * Whether work no connected stream takes waits here for one that does (a node alone), or is
   * handed back for another node to claim ({@link #handBack}).
   */
  boolean keepsUnhostedWork();

  /**
   * Locked. Queued work none of this node's streams takes any more (taken out of the queues):
   * another node's workers may take it.
   */
  void handBack(List<InstanceKey> instances, List<ActivityTask> activities);

  /** A new completion token for a work item dispatched here. */
  String newToken();

  /** The streams could use more work than is queued here (called outside the lock). */
  void wantsMore();

  /**
   * Hands a completion for which this node holds no lease to the node that dispatched its item
   * (called outside the lock).
   *
   * @param response the worker's {@code OrchestratorResponse} or {@code ActivityResponse}
   * @return true if another node took it; false if it is this node's to handle
   */
  boolean relay(String token, Message response);
}
