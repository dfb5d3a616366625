package dev.taskhub.server.cluster;

import com.google.protobuf.Message;
import dev.taskhub.server.cluster.WorkClaims.ActivityKey;
import dev.taskhub.server.engine.HubQueues;
import dev.taskhub.server.engine.WorkSource;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task hub's work source on a node among several sharing a database: which instances this node
 * owns (runs the episodes of), and the claim loop that takes more work from the database when there
 * is some and the node's workers have room. Work this node does not own goes to its owner, or to
 * whichever node claims it.
 *
 * <p>Claims are driven by signals (a commit here, a message from another node, a timer, the
 * periodic scan): each signal makes the loop claim until the database has no more of that kind or
 * the node has no more room. At most one claim runs at a time per hub; signals that arrive while it
 * runs make it run again.
 */
final class ClaimedWorkSource implements WorkSource {
  private static final Logger log = LoggerFactory.getLogger(ClaimedWorkSource.class);

  private final String hub;
  private final ClusterNode node;
  private final HubQueues queues;

  /** Instances this node runs; only these are queued locally, others are claimed first. */
  private final Set<InstanceKey> owned = ConcurrentHashMap.newKeySet();

  private final Set<InstanceKey> instancesToRelease = ConcurrentHashMap.newKeySet();
  private final Set<ActivityKey> activitiesToRelease = ConcurrentHashMap.newKeySet();

  /**
   * Signals count up; the loop remembers the count at which the database last had no more of a
   * kind, so a signal that arrives during a claim is never lost.
   */
  private final AtomicLong instanceSignals = new AtomicLong(1);

  private final AtomicLong activitySignals = new AtomicLong(1);
  private volatile long instancesExhaustedAt;
  private volatile long activitiesExhaustedAt;

  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean again;
  private volatile long failingSince;

  ClaimedWorkSource(ClusterNode node, HubQueues queues) {
    this.hub = queues.hub();
    this.node = node;
    this.queues = queues;
  }

  String hub() {
    return hub;
  }

  // ---------------------------------------------------------------- WorkSource

  /** Only instances this node owns run here; an event for another goes to its owner or a claim. */
  @Override
  public boolean runsHere(InstanceKey key) {
    if (owned.contains(key)) {
      return true;
    }
    node.publishWake(key);
    signalInstances();
    return false;
  }

  /**
   * Activities are committed unowned: this node claims what its workers can take, others the rest.
   */
  @Override
  public List<ActivityTask> queueHere(List<ActivityTask> committed) {
    if (!committed.isEmpty()) {
      node.publishWork(hub);
      signalActivities();
    }
    return List.of();
  }

  /**
   * The instance ended or is gone. Its claim is released with the next claim round: an ended
   * instance can be rewound, and must then be claimable again.
   */
  @Override
  public void ended(InstanceKey key) {
    if (owned.remove(key)) {
      instancesToRelease.add(key);
    }
  }

  /** Another node progressed the instance: stop running it here and let whoever claims it. */
  @Override
  public boolean rerunAfterRejectedStep(InstanceKey key) {
    ended(key);
    signalInstances();
    return false;
  }

  /** The node has no workers left for this hub: its idle and queued work goes to other nodes. */
  @Override
  public void lastStreamLeft() {
    List<InstanceKey> idle = queues.takeIdle(List.copyOf(owned));
    List<ActivityKey> queued = new ArrayList<>();
    for (ActivityTask task : queues.takeQueuedActivities()) {
      queued.add(new ActivityKey(task.key(), task.taskId()));
    }
    releaseAll(idle, queued);
  }

  /** Work none of this node's workers takes goes to a node whose workers do. */
  @Override
  public boolean keepsUnhostedWork() {
    return false;
  }

  @Override
  public void handBack(List<InstanceKey> instances, List<ActivityTask> activities) {
    List<ActivityKey> keys = new ArrayList<>();
    for (ActivityTask task : activities) {
      keys.add(new ActivityKey(task.key(), task.taskId()));
    }
    log.debug(
        "Handing back {} instances and {} activities of task hub {} no worker here takes",
        instances.size(),
        keys.size(),
        hub);
    releaseAll(instances, keys);
  }

  /**
   * Tokens start with this node's id, so another node that receives the completion can relay it.
   */
  @Override
  public String newToken() {
    return node.id() + ClusterNode.TOKEN_SEPARATOR + UUID.randomUUID();
  }

  /** Runs the claim loop if something may be claimed. */
  @Override
  public void wantsMore() {
    if (instanceSignals.get() > instancesExhaustedAt
        || activitySignals.get() > activitiesExhaustedAt) {
      trigger();
    }
  }

  /**
   * Relays a completion whose lease another live node holds. A completion relayed here names this
   * node (or, without a token, this node owns its work in the store), so it is not relayed on,
   * unless its work moved to another live node since, which then holds its lease.
   */
  @Override
  public boolean relay(String token, Message response) {
    return node.relay(hub, token, response);
  }

  // ---------------------------------------------------------------- from the cluster

  /**
   * Another node committed inbox events for these instances: the ones this node runs are queued,
   * the others may be claimable.
   */
  void peerWoke(List<String> instanceIds) {
    List<InstanceKey> here = new ArrayList<>();
    boolean unowned = false;
    for (String instanceId : instanceIds) {
      InstanceKey key = new InstanceKey(hub, instanceId);
      if (owned.contains(key)) {
        here.add(key);
      } else {
        unowned = true;
      }
    }
    queues.wake(here);
    if (unowned) {
      signalInstances();
    }
  }

  /**
   * The periodic check found these instances owned by this node in the store with events to run:
   * any that is neither queued nor in flight missed a wake-up and is queued now.
   */
  void ensureRunning(List<InstanceKey> ownedWithEvents) {
    if (ownedWithEvents.isEmpty() || queues.connectedStreams() == 0) {
      return; // nothing to do, or its claims are being handed to other nodes
    }
    List<InstanceKey> keep = new ArrayList<>();
    Set<InstanceKey> adopted = new HashSet<>();
    for (InstanceKey key : ownedWithEvents) {
      if (!instancesToRelease.contains(key)) {
        keep.add(key);
        if (owned.add(key)) {
          adopted.add(key);
        }
      }
    }
    int missed = queues.ensureRunning(keep, adopted);
    if (missed > 0) {
      log.debug("{} instances owned by this node had events but no episode coming; queued", missed);
    }
  }

  /**
   * The registration of this node lapsed: other nodes may own its instances and activities now.
   * Queued work is dropped from memory (leased work finishes; the store keeps it exactly-once).
   */
  void dropClaims() {
    List<InstanceKey> dropped = new ArrayList<>(owned);
    owned.clear();
    instancesToRelease.clear();
    activitiesToRelease.clear();
    queues.dropQueued(dropped);
    signalAll();
  }

  // ---------------------------------------------------------------- the claim loop

  /** Hands idle and queued work to other nodes. */
  private void releaseAll(Collection<InstanceKey> instances, Collection<ActivityKey> activities) {
    owned.removeAll(instances);
    instancesToRelease.addAll(instances);
    activitiesToRelease.addAll(activities);
    if (!instances.isEmpty() || !activities.isEmpty()) {
      node.publishWork(hub);
      trigger();
    }
  }

  void signalInstances() {
    instanceSignals.incrementAndGet();
    trigger();
  }

  void signalActivities() {
    activitySignals.incrementAndGet();
    trigger();
  }

  void signalAll() {
    instanceSignals.incrementAndGet();
    activitySignals.incrementAndGet();
    trigger();
  }

  private void trigger() {
    again = true;
    if (running.compareAndSet(false, true)) {
      node.executor().execute(this::claimLoop);
    }
  }

  private void claimLoop() {
    try {
      while (again) {
        again = false;
        if (!claimOnce()) {
          break;
        }
      }
    } finally {
      running.set(false);
    }
    if (again && failingSince == 0) {
      trigger();
    }
  }

  /** One release-and-claim round; false when the database failed (retried later). */
  private boolean claimOnce() {
    List<InstanceKey> releasing = List.copyOf(instancesToRelease);
    List<ActivityKey> releasingActivities = List.copyOf(activitiesToRelease);
    HubQueues.Room room = queues.room();
    long instanceSignal = instanceSignals.get();
    long activitySignal = activitySignals.get();
    int wantInstances = instanceSignal > instancesExhaustedAt ? room.instances() : 0;
    int wantActivities = activitySignal > activitiesExhaustedAt ? room.activities() : 0;
    if (releasing.isEmpty()
        && releasingActivities.isEmpty()
        && wantInstances == 0
        && wantActivities == 0) {
      return true;
    }
    WorkClaims.Claimed claimed;
    try {
      if (!releasing.isEmpty() || !releasingActivities.isEmpty()) {
        node.claims().release(node.id(), releasing, releasingActivities);
        releasing.forEach(instancesToRelease::remove);
        releasingActivities.forEach(activitiesToRelease::remove);
      }
      claimed =
          node.claims()
              .claim(
                  hub,
                  node.id(),
                  node.timers().clock().millis(),
                  wantInstances,
                  wantActivities,
                  queues.takes());
    } catch (RuntimeException e) {
      retryLater(e);
      return false;
    }
    if (failingSince != 0) {
      log.info("Claiming work in task hub {} works again", hub);
      failingSince = 0;
    }
    if (claimed.instances().size() < wantInstances) {
      instancesExhaustedAt = instanceSignal;
    }
    if (claimed.activities().size() < wantActivities) {
      activitiesExhaustedAt = activitySignal;
    }
    if (!claimed.isEmpty()) {
      log.debug(
          "Claimed {} instances and {} activities in task hub {}",
          claimed.instances().size(),
          claimed.activities().size(),
          hub);
      owned.addAll(claimed.instances());
      queues.claimed(claimed.instances(), claimed.names(), claimed.activities());
      again = true;
    }
    return true;
  }

  private void retryLater(RuntimeException e) {
    long now = node.timers().clock().millis();
    if (failingSince == 0) {
      failingSince = now;
      log.warn("Cannot claim work in task hub {}; retrying every second: {}", hub, e.getMessage());
    } else {
      log.debug("Claiming work in task hub {} still fails: {}", hub, e.getMessage());
    }
    again = true;
    node.timers().at(now + 1000, this::trigger);
  }
}
