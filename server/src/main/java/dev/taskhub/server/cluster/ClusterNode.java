package dev.taskhub.server.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.cluster.WorkClaims.RelayedCompletion;
import dev.taskhub.server.engine.HubQueues;
import dev.taskhub.server.engine.Membership;
import dev.taskhub.server.engine.Timers;
import dev.taskhub.server.engine.WorkSource;
import dev.taskhub.server.store.InstanceKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This scheduler node among several sharing one database: its registration (renewed on a
 * heartbeat), the messages it exchanges with the other nodes, the periodic scan that catches what
 * messages missed (and takes over the work of nodes that died), and completions relayed between
 * nodes.
 *
 * <p>A worker may send a completion to a node other than the one whose stream delivered the work
 * item (a load balancer that spreads calls). That node cannot apply an orchestrator response (the
 * episode it answers lives on the other node), and its activity results would leave the other
 * node's lease waiting until expiry, so it stores the completion for the dispatching node and tells
 * it; the dispatching node applies it as if it had arrived there.
 */
public final class ClusterNode implements Membership {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  /** Separates the node id from the rest of a completion token. */
  static final String TOKEN_SEPARATOR = ".";

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final WorkClaims claims;
  private final ClusterBus bus;
  private final Timers timers;
  private final Clock clock;
  private final long leaseMillis;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, ClaimedWorkSource> hubs = new ConcurrentHashMap<>();
  private volatile EngineLink engine;

  private final AtomicBoolean heartbeatRunning = new AtomicBoolean();
  private final AtomicBoolean scanRunning = new AtomicBoolean();
  private final AtomicBoolean relaysRunning = new AtomicBoolean();
  private volatile boolean relaysAgain;
  private volatile long renewedAt;
  private volatile boolean heartbeatFailing;
  private volatile boolean closed;

  /**
   * A node that claims its work through {@code claims}, talks to the others over {@code bus}, and
   * keeps its registration alive for {@code leaseMillis} past each heartbeat.
   */
  public ClusterNode(WorkClaims claims, ClusterBus bus, Timers timers, long leaseMillis) {
    this.claims = claims;
    this.bus = bus;
    this.timers = timers;
    this.clock = timers.clock();
    this.leaseMillis = leaseMillis;
  }

  String id() {
    return id;
  }

  @Override
  public Optional<String> nodeId() {
    return Optional.of(id);
  }

  WorkClaims claims() {
    return claims;
  }

  ExecutorService executor() {
    return executor;
  }

  Timers timers() {
    return timers;
  }

  @Override
  public WorkSource join(HubQueues queues) {
    ClaimedWorkSource source = new ClaimedWorkSource(this, queues);
    hubs.put(queues.hub(), source);
    return source;
  }

  /** Registers the node, starts listening, heartbeats and scans, and claims work. */
  @Override
  public void start(EngineLink engine) {
    this.engine = engine;
    long now = clock.millis();
    claims.registerNode(id, now, now + leaseMillis);
    renewedAt = now;
    engine.publishChangesTo(
        key -> bus.publish(ClusterMessage.changed(id, key.hub(), List.of(key.instanceId()))));
    bus.start(id, this::onMessage);
    timers.every(Math.max(100, leaseMillis / 4), () -> runOnce(heartbeatRunning, this::heartbeat));
    timers.every(Math.max(200, leaseMillis / 2), () -> runOnce(scanRunning, this::scan));
    hubs.values().forEach(ClaimedWorkSource::signalAll);
    log.info(
        "Cluster node {} joined: claims expire {} ms after its last heartbeat", id, leaseMillis);
  }

  // ---------------------------------------------------------------- messages

  void publishWake(InstanceKey key) {
    bus.publish(ClusterMessage.wake(id, key.hub(), List.of(key.instanceId())));
  }

  void publishWork(String hub) {
    bus.publish(ClusterMessage.work(id, hub));
  }

  private void onMessage(ClusterMessage message) {
    switch (message.kind()) {
      case WORK -> {
        ClaimedWorkSource hub = hubs.get(message.hub());
        if (hub != null) {
          hub.signalAll();
        }
      }
      case WAKE -> {
        ClaimedWorkSource hub = hubs.get(message.hub());
        if (hub != null) {
          hub.peerWoke(message.instanceIds());
        }
      }
      case CHANGED ->
          message
              .instanceIds()
              .forEach(
                  instanceId ->
                      engine.changedElsewhere(new InstanceKey(message.hub(), instanceId)));
      case RELAY -> {
        if (id.equals(message.targetNode())) {
          applyRelayed();
        }
      }
      case RESYNC -> {
        hubs.values().forEach(ClaimedWorkSource::signalAll);
        engine.wakeAllWaiters();
        applyRelayed();
      }
    }
  }

  // ---------------------------------------------------------------- liveness

  private void heartbeat() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    try {
      if (claims.renewNode(id, now, now + leaseMillis)) {
        renewedAt = now;
      } else {
        rejoin(now);
      }
      if (heartbeatFailing) {
        heartbeatFailing = false;
        log.info("Cluster node {} renews its registration again", id);
      }
    } catch (TaskhubException e) {
      if (!heartbeatFailing) {
        heartbeatFailing = true;
        log.warn("Cluster node {} cannot renew its registration: {}", id, e.getMessage());
      }
    }
  }

  /**
   * The registration lapsed (the database was out of reach longer than the lease, or the node was
   * paused): other nodes may have taken its work. Forget every claim, register again, claim anew.
   */
  private void rejoin(long now) {
    log.warn(
        "Cluster node {} missed its heartbeats for {} ms; dropping its claims and rejoining",
        id,
        now - renewedAt);
    hubs.values().forEach(ClaimedWorkSource::dropClaims);
    // Claims still recorded under this id would be held by a node that no longer knows of them.
    claims.deregisterNode(id);
    claims.registerNode(id, now, now + leaseMillis);
    hubs.keySet().forEach(this::publishWork);
    renewedAt = now;
  }

  /** Takes over the work of dead nodes, and claims whatever messages may have missed. */
  private void scan() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    try {
      int reaped = claims.reapDeadNodes(id, now);
      if (reaped > 0) {
        log.warn("Took back the work of {} cluster node(s) that stopped heartbeating", reaped);
        hubs.keySet().forEach(this::publishWork);
      }
      List<RelayedCompletion> orphans = claims.takeOrphanedRelays(now);
      if (!orphans.isEmpty()) {
        log.info("Took {} completions relayed to nodes that are gone", orphans.size());
      }
      for (RelayedCompletion orphan : orphans) {
        // Its node is gone, and its lease with it: an activity result still counts; an
        // orchestrator response answered an episode that will be sent again.
        if (orphan.kind() == RelayedCompletion.Kind.ACTIVITY) {
          apply(orphan);
        }
      }
    } catch (TaskhubException e) {
      log.debug("Cluster scan failed: {}", e.getMessage());
    }
    hubs.values().forEach(ClaimedWorkSource::signalAll);
    applyRelayed();
    for (ClaimedWorkSource hub : hubs.values()) {
      try {
        hub.ensureRunning(claims.ownedWithVisibleEvents(hub.hub(), id, now));
      } catch (TaskhubException e) {
        log.debug("Cluster scan of owned instances failed: {}", e.getMessage());
      }
    }
  }

  private void runOnce(AtomicBoolean running, Runnable task) {
    if (running.compareAndSet(false, true)) {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.error("Cluster task failed", e);
            } finally {
              running.set(false);
            }
          });
    }
  }

  // ---------------------------------------------------------------- relays

  /**
   * Stores a completion for the live node that holds its lease and tells that node.
   *
   * @return false if no other live node holds it (the caller handles it here)
   */
  boolean relay(String hub, String token, Message response) {
    long now = clock.millis();
    Optional<String> owner = leaseHolder(hub, token, response, now);
    if (owner.isEmpty() || owner.get().equals(id)) {
      return false;
    }
    RelayedCompletion.Kind kind =
        switch (response) {
          case OrchestratorResponse o -> RelayedCompletion.Kind.ORCHESTRATION;
          case EntityBatchResult e -> RelayedCompletion.Kind.ENTITY;
          default -> RelayedCompletion.Kind.ACTIVITY;
        };
    claims.relay(new RelayedCompletion(owner.get(), hub, kind, response.toByteArray(), now));
    bus.publish(ClusterMessage.relay(id, owner.get()));
    log.debug("Relayed a {} completion to node {}", kind, owner.get());
    return true;
  }

  /** The node named by the token, else (old SDKs send none) the owner in the database. */
  private Optional<String> leaseHolder(String hub, String token, Message response, long now) {
    if (!token.isEmpty()) {
      int separator = token.indexOf(TOKEN_SEPARATOR);
      if (separator <= 0) {
        return Optional.empty();
      }
      String node = token.substring(0, separator);
      return node.equals(id) || !claims.isAlive(node, now) ? Optional.empty() : Optional.of(node);
    }
    if (response instanceof OrchestratorResponse orchestration) {
      return claims.liveInstanceOwner(new InstanceKey(hub, orchestration.getInstanceId()), now);
    }
    if (response instanceof EntityBatchResult) {
      return Optional.empty(); // entity answers always carry their token
    }
    ActivityResponse activity = (ActivityResponse) response;
    return claims.liveActivityOwner(
        new WorkClaims.ActivityKey(
            new InstanceKey(hub, activity.getInstanceId()), activity.getTaskId()),
        now);
  }

  /** Applies the completions other nodes relayed here; one run at a time, repeated if asked. */
  private void applyRelayed() {
    relaysAgain = true;
    if (!relaysRunning.compareAndSet(false, true)) {
      return;
    }
    executor.execute(
        () -> {
          try {
            while (relaysAgain) {
              relaysAgain = false;
              claims.takeRelayed(id).forEach(this::apply);
            }
          } catch (TaskhubException e) {
            log.debug("Taking relayed completions failed: {}", e.getMessage());
          } finally {
            relaysRunning.set(false);
          }
          // A request that came in as the loop ended found it still running: serve it now.
          if (relaysAgain) {
            applyRelayed();
          }
        });
  }

  private void apply(RelayedCompletion relayed) {
    log.debug("Applying a relayed {} completion", relayed.kind());
    try {
      if (relayed.kind() == RelayedCompletion.Kind.ORCHESTRATION) {
        engine.completeOrchestration(
            relayed.hub(), OrchestratorResponse.parseFrom(relayed.response()));
      } else if (relayed.kind() == RelayedCompletion.Kind.ENTITY) {
        engine.completeEntity(relayed.hub(), EntityBatchResult.parseFrom(relayed.response()));
      } else {
        engine.completeActivity(relayed.hub(), ActivityResponse.parseFrom(relayed.response()));
      }
    } catch (InvalidProtocolBufferException e) {
      log.error("Dropped a corrupt relayed completion for task hub {}", relayed.hub(), e);
    } catch (TaskhubException e) {
      // The lease it answered is gone (expired, or the work was done meanwhile): as late as a
      // completion that arrived here directly, and as harmless.
      log.debug("A relayed {} completion was not applied: {}", relayed.kind(), e.getMessage());
    }
  }

  /** Hands this node's claims back (so other nodes take them at once) and stops listening. */
  @Override
  public void close() {
    closed = true;
    try {
      claims.deregisterNode(id);
      hubs.keySet().forEach(this::publishWork);
    } catch (TaskhubException e) {
      log.warn("Cluster node {} could not hand back its claims: {}", id, e.getMessage());
    }
    bus.close();
    executor.shutdown();
  }
}
