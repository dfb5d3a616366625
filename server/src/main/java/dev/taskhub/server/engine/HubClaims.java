package dev.taskhub.server.engine;

import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.WorkClaims;
import dev.taskhub.server.store.WorkClaims.ActivityKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task hub's share of the work on this node when several nodes share a database: which
 * instances this node owns (runs the episodes of), and the claim loop that takes more work from the
 * database when there is some and the node's workers have room.
 *
 * <p>Claims are driven by signals (a commit here, a message from another node, a timer, the
 * periodic scan): each signal makes the loop claim until the database has no more of that kind or
 * the node has no more room. At most one claim runs at a time per hub; signals that arrive while it
 * runs make it run again.
 */
final class HubClaims {
  private static final Logger log = LoggerFactory.getLogger(HubClaims.class);

  private final String hub;
  private final ClusterNode node;
  private volatile Dispatcher dispatcher;

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

  HubClaims(String hub, ClusterNode node) {
    this.hub = hub;
    this.node = node;
  }

  void attach(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  boolean owns(InstanceKey key) {
    return owned.contains(key);
  }

  /** An event for an instance this node does not own: its owner runs it, or whoever claims it. */
  void elsewhere(InstanceKey key) {
    node.publishWake(key);
    signalInstances();
  }

  /** Unowned activities were committed: this node and the others may claim them. */
  void activitiesCommitted() {
    node.publishWork(hub);
    signalActivities();
  }

  /** True while this node's claim on the instance waits to be released in the store. */
  boolean releasing(InstanceKey key) {
    return instancesToRelease.contains(key);
  }

  /**
   * Takes the instance, which the store says this node owns, into the owned set.
   *
   * @return true if it was missing there
   */
  boolean adopt(InstanceKey key) {
    return owned.add(key);
  }

  /**
   * The instance ended or is gone. Its claim is released with the next claim round: an ended
   * instance can be rewound, and must then be claimable again.
   */
  void forget(InstanceKey key) {
    if (owned.remove(key)) {
      instancesToRelease.add(key);
    }
  }

  /** Another node progressed the instance: stop running it here and let whoever claims it. */
  void giveUp(InstanceKey key) {
    if (owned.remove(key)) {
      instancesToRelease.add(key);
    }
    signalInstances();
  }

  /** The node has no workers left for this hub: hands its idle and queued work to other nodes. */
  void releaseAll(Collection<InstanceKey> instances, Collection<ActivityKey> activities) {
    owned.removeAll(instances);
    instancesToRelease.addAll(instances);
    activitiesToRelease.addAll(activities);
    if (!instances.isEmpty() || !activities.isEmpty()) {
      node.publishWork(hub);
      trigger();
    }
  }

  /** Drops every claim from memory (the node's registration lapsed; others may hold them now). */
  List<InstanceKey> clear() {
    List<InstanceKey> dropped = new ArrayList<>(owned);
    owned.clear();
    instancesToRelease.clear();
    activitiesToRelease.clear();
    return dropped;
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

  /** Runs the claim loop if something may be claimed (called when workers have room again). */
  void roomAvailable() {
    if (instanceSignals.get() > instancesExhaustedAt
        || activitySignals.get() > activitiesExhaustedAt) {
      trigger();
    }
  }

  List<InstanceKey> ownedSnapshot() {
    return List.copyOf(owned);
  }

  String tokenPrefix() {
    return node.id() + ClusterNode.TOKEN_SEPARATOR;
  }

  /** Relays a response whose lease another live node holds; false if none does. */
  boolean relayOrchestration(String token, OrchestratorResponse response) {
    return node.relay(hub, token, response);
  }

  /** Relays a result whose lease another live node holds; false if none does. */
  boolean relayActivity(String token, ActivityResponse response) {
    return node.relay(hub, token, response);
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
    Dispatcher target = dispatcher;
    List<InstanceKey> releasing = List.copyOf(instancesToRelease);
    List<ActivityKey> releasingActivities = List.copyOf(activitiesToRelease);
    Dispatcher.Room room = target.room();
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
          node.claims().claim(hub, node.id(), node.clock().millis(), wantInstances, wantActivities);
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
      target.claimed(claimed);
      again = true;
    }
    return true;
  }

  private void retryLater(RuntimeException e) {
    long now = node.clock().millis();
    if (failingSince == 0) {
      failingSince = now;
      log.warn("Cannot claim work in task hub {}; retrying every second: {}", hub, e.getMessage());
    } else {
      log.debug("Claiming work in task hub {} still fails: {}", hub, e.getMessage());
    }
    again = true;
    node.timers().schedule(this::trigger, 1, TimeUnit.SECONDS);
  }
}
