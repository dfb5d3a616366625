package dev.taskhub.server.engine;

import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.WorkClaims;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one task hub's ready work to its connected streams and takes their completions.
 *
 * <p>Instances with visible inbox events wait in {@code readyInstances}, activities in {@code
 * activities} ({@link ActivityQueue}); both are fed after each commit, so nothing polls. At most
 * one episode per instance is in flight, and it carries every inbox event visible when it is built.
 * Each stream gets work while it has credit and gRPC says it is ready; streams are served
 * round-robin. Every dispatch holds a {@link Lease}; a lease that expires, is abandoned, or whose
 * stream goes away is given back and the item dispatched again, until the poison limit fails it for
 * good.
 *
 * <p>When several nodes share the store ({@code claims} is set), only instances this node owns are
 * queued here and activities come from claims, not straight from steps; events for other instances
 * go to their owner or to whichever node claims them ({@link HubClaims}).
 *
 * <p>All fields are guarded by {@code this}; store I/O and sending happen outside the lock. The
 * class is long because the instance-slot and lease state machines share that one lock; splitting
 * them would spread the locking protocol over several classes. Queue mechanics live in {@link
 * ActivityQueue}, episode building in {@link Episode}, step planning in {@link StepPlanner}.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final String hub;
  private final Store store;
  private final Clock clock;
  private final Executor executor;
  private final StepPlanner planner;
  private final EngineSettings settings;
  private final Waiters waiters;
  private final Wakeups wakeups;

  /** This node's share of the hub's work when several nodes share the store; null when alone. */
  private final HubClaims claims;

  volatile EngineMetrics metrics = EngineMetrics.NONE;

  private final List<WorkerStream> streams = new ArrayList<>();
  private final ArrayDeque<InstanceKey> readyInstances = new ArrayDeque<>();
  private final Map<InstanceKey, InstanceSlot> instances = new HashMap<>();
  private final ActivityQueue activities = new ActivityQueue();
  private final HistoryCache histories = new HistoryCache(MAX_CACHED_HISTORY_EVENTS);
  private final Map<String, Lease> leasesByToken = new HashMap<>();
  private final Map<InstanceKey, Lease> orchestrationLeases = new HashMap<>();
  private final Map<PendingActivity.ActivityId, Lease> activityLeases = new HashMap<>();
  private int cursor;

  static final long ORCHESTRATION_PATIENCE_MILLIS = 100;

  /** The most work of one kind a node queues from the shared store at a time. */
  static final int MAX_CLAIM_BATCH = 512;

  /** Histories kept in memory per task hub, in events (about 100 bytes each on the heap). */
  static final long MAX_CACHED_HISTORY_EVENTS = 2_000_000;

  /** Schedules a future wake-up of an instance (timers, delayed starts, retries). */
  interface Wakeups {
    void wakeAt(InstanceKey key, long epochMillis);
  }

  Dispatcher(
      String hub,
      Store store,
      Clock clock,
      Executor executor,
      StepPlanner planner,
      EngineSettings settings,
      Waiters waiters,
      Wakeups wakeups,
      HubClaims claims) {
    this.hub = hub;
    this.store = store;
    this.clock = clock;
    this.executor = executor;
    this.planner = planner;
    this.settings = settings;
    this.waiters = waiters;
    this.wakeups = wakeups;
    this.claims = claims;
  }

  // ---------------------------------------------------------------- inputs

  /** An inbox event of the instance is visible now. */
  void wake(InstanceKey key) {
    synchronized (this) {
      runLocked(key);
    }
    dispatch();
  }

  /**
   * Another node committed inbox events for these instances: the ones this node runs are queued,
   * the others may be claimable.
   */
  void wakeFromPeer(List<String> instanceIds) {
    boolean unowned = false;
    synchronized (this) {
      for (String instanceId : instanceIds) {
        InstanceKey key = new InstanceKey(hub, instanceId);
        if (claims.owns(key)) {
          wakeLocked(key);
        } else {
          unowned = true;
        }
      }
    }
    if (unowned) {
      claims.signalInstances();
    }
    dispatch();
  }

  /**
   * The periodic check found these instances owned by this node in the store with events to run:
   * any that is neither queued nor in flight missed a wake-up and is queued now.
   */
  void ensureRunning(List<InstanceKey> ownedWithEvents) {
    if (ownedWithEvents.isEmpty()) {
      return;
    }
    int missed = 0;
    synchronized (this) {
      if (streams.isEmpty()) {
        return; // its claims are being handed to other nodes
      }
      for (InstanceKey key : ownedWithEvents) {
        if (claims.releasing(key)) {
          continue;
        }
        InstanceSlot slot = instances.get(key);
        if (claims.adopt(key) || slot == null || !(slot.queued || slot.inFlight)) {
          wakeLocked(key);
          missed++;
        }
      }
    }
    if (missed > 0) {
      log.debug("{} instances owned by this node had events but no episode coming; queued", missed);
      dispatch();
    }
  }

  /** Work this node claimed from the shared store. */
  void claimed(WorkClaims.Claimed claimed) {
    synchronized (this) {
      claimed.instances().forEach(this::wakeLocked);
      claimed.activities().forEach(activities::add);
    }
    dispatch();
  }

  /** How much more work the connected streams could use: what the claim loop asks for. */
  record Room(int instances, int activities) {}

  synchronized Room room() {
    if (streams.isEmpty()) {
      return new Room(0, 0);
    }
    return new Room(
        Math.max(0, targetQueuedInstancesLocked() - readyInstances.size()),
        Math.max(0, targetQueuedActivitiesLocked() - activities.queued()));
  }

  /** Episodes worth keeping queued: one per orchestration slot of the streams (at least 4). */
  private int targetQueuedInstancesLocked() {
    int slots = 0;
    for (WorkerStream stream : streams) {
      slots += Math.min(stream.maxOrchestrations, stream.maxTotal);
    }
    return Math.min(Math.max(4, slots), MAX_CLAIM_BATCH);
  }

  /** Activities worth keeping queued: two per activity slot (at least 8), so workers never idle. */
  private int targetQueuedActivitiesLocked() {
    int slots = 0;
    for (WorkerStream stream : streams) {
      slots += Math.min(stream.maxActivities, stream.maxTotal);
    }
    return Math.min(Math.max(8, 2 * slots), MAX_CLAIM_BATCH);
  }

  /** The streams could use more work: the queues are below half their target. */
  private boolean wantsMoreLocked() {
    return !streams.isEmpty()
        && (readyInstances.size() < targetQueuedInstancesLocked()
            || activities.queued() * 2 < targetQueuedActivitiesLocked());
  }

  /**
   * The registration of this node lapsed: other nodes may own its instances and activities now.
   * Queued work is dropped from memory (leased work finishes; the store keeps it exactly-once).
   */
  void dropClaims() {
    synchronized (this) {
      for (InstanceKey key : claims.clear()) {
        InstanceSlot slot = instances.get(key);
        if (slot != null && slot.queued) {
          readyInstances.remove(key);
          slot.queued = false;
          slot.pinned = null;
          forgetIfIdleLocked(key, slot);
        }
      }
      activities.drainQueued();
    }
    claims.signalAll();
  }

  /** Activities were committed and can be dispatched. */
  void activitiesScheduled(List<ActivityTask> tasks) {
    synchronized (this) {
      tasks.forEach(activities::add);
    }
    dispatch();
  }

  void addStream(WorkerStream stream) {
    synchronized (this) {
      streams.add(stream);
    }
    log.info(
        "Worker {} connected: up to {} orchestrations, {} activities, {} in all",
        stream,
        stream.maxOrchestrations,
        stream.maxActivities,
        stream.maxTotal);
    dispatch();
  }

  /** The stream ended: everything it held goes back to the queues at once. */
  void removeStream(WorkerStream stream) {
    int givenBack = 0;
    synchronized (this) {
      if (stream.closed) {
        return;
      }
      stream.closed = true;
      streams.remove(stream);
      for (Lease lease : List.copyOf(stream.leases)) {
        if (!lease.completing) {
          giveBackLocked(lease);
          givenBack++;
        }
      }
      if (claims != null && streams.isEmpty()) {
        releaseClaimsLocked();
      }
    }
    log.info("Worker {} disconnected; {} work items given back", stream, givenBack);
    dispatch();
  }

  /** Stream readiness or credit changed. */
  void streamReady() {
    dispatch();
  }

  // ---------------------------------------------------------------- completions

  /**
   * Applies a worker's orchestrator response.
   *
   * @param relayed true when another node relayed it here (it is never relayed again)
   */
  void completeOrchestration(String token, OrchestratorResponse response, boolean relayed) {
    InstanceKey key = new InstanceKey(hub, response.getInstanceId());
    Lease lease;
    synchronized (this) {
      lease = token.isEmpty() ? orchestrationLeases.get(key) : leasesByToken.get(token);
      if (lease == null
          || lease.kind != Lease.Kind.ORCHESTRATION
          || !lease.key.equals(key)
          || lease.completing) {
        lease = null;
      } else {
        lease.completing = true;
        lease.stream.stalled = false;
      }
    }
    if (lease == null) {
      if (claims != null && !relayed && claims.relayOrchestration(token, response)) {
        return;
      }
      throw noOrchestrationLease(key);
    }
    long now = clock.millis();
    OrchestrationStep step;
    try {
      long planStarted = System.nanoTime();
      step = planner.plan(lease.episode, response, now);
      store.applyStep(step);
      metrics.orchestrationCompleted(System.nanoTime() - planStarted);
      histories.applied(lease.episode.workItem().history(), step);
    } catch (TaskhubException.LeaseLost e) {
      histories.forget(key);
      synchronized (this) {
        releaseLeaseLocked(lease);
        InstanceSlot slot = slotLocked(key);
        slot.inFlight = false;
        slot.pinned = null;
        if (claims == null) {
          wakeLocked(key);
        } else {
          // Another node ran the instance meanwhile: it is theirs (or anyone's) now.
          claims.giveUp(key);
          forgetIfIdleLocked(key, slot);
        }
      }
      endStreamAfterFailedCompletion(lease.stream, e);
      throw e;
    } catch (RuntimeException e) {
      synchronized (this) {
        lease.completing = false;
        giveBackLocked(lease);
      }
      endStreamAfterFailedCompletion(lease.stream, e);
      throw e;
    }
    synchronized (this) {
      releaseLeaseLocked(lease);
      InstanceSlot slot = slotLocked(key);
      slot.inFlight = false;
      slot.pinned = null;
      slot.deliveries = 0;
      afterStepLocked(step, now);
      endFlightLocked(key, slot);
    }
    waiters.changed(key);
    dispatch();
  }

  /**
   * Records a worker's activity result.
   *
   * @param relayed true when another node relayed it here (it is never relayed again)
   */
  void completeActivity(
      String token, ActivityResponse response, HistoryEvent result, boolean relayed) {
    InstanceKey key = new InstanceKey(hub, response.getInstanceId());
    PendingActivity.ActivityId id = new PendingActivity.ActivityId(key, response.getTaskId());
    Lease lease;
    String executionId;
    synchronized (this) {
      lease = token.isEmpty() ? activityLeases.get(id) : leasesByToken.get(token);
      if (lease != null
          && (lease.completing
              || lease.kind != Lease.Kind.ACTIVITY
              || !lease.activity.id().equals(id))) {
        lease = null;
      }
      if (lease != null) {
        lease.completing = true;
        lease.stream.stalled = false;
      }
      // The generation the result belongs to: results of an older one must not complete a newer
      // generation's task that reuses the same task id.
      PendingActivity pending = lease != null ? lease.activity : activities.find(id);
      executionId = pending == null ? null : pending.task.executionId();
    }
    if (lease == null && claims != null && !relayed && claims.relayActivity(token, response)) {
      return;
    }
    Optional<ActivityTask> completed;
    try {
      completed =
          store.completeActivity(key, response.getTaskId(), executionId, result, clock.millis());
    } catch (RuntimeException e) {
      if (lease != null) {
        synchronized (this) {
          lease.completing = false;
        }
        endStreamAfterFailedCompletion(lease.stream, e);
      }
      throw e;
    }
    synchronized (this) {
      if (lease != null) {
        releaseLeaseLocked(lease);
      }
      activities.complete(id, executionId);
      if (completed.isPresent()) {
        runLocked(key);
      } else {
        log.debug(
            "Ignored a repeated or late completion of activity {} of {}",
            response.getTaskId(),
            key);
      }
    }
    if (completed.isPresent()) {
      waiters.touched(key);
      metrics.activityCompleted(key, response.getTaskId(), clock.millis());
    }
    dispatch();
  }

  /**
   * A completion failed on the server's side (the store): the official Java SDK 1.5.0 answers an
   * error by leaving its stream without cancelling it and opening a new one, so items sent on the
   * old one would wait for their lease to expire. The stream is ended instead (a worker that still
   * reads it reconnects) and everything it held goes back to the queues.
   */
  private void endStreamAfterFailedCompletion(WorkerStream stream, RuntimeException cause) {
    boolean serverFailure =
        cause instanceof TaskhubException.StoreUnavailable
            || !(cause instanceof TaskhubException)
            || cause.getClass() == TaskhubException.class;
    // Streams that state their limits belong to newer SDKs, which keep reading after an error.
    if (!serverFailure && stream.healthPings) {
      dispatch();
      return;
    }
    log.warn("A completion on {} failed; ending the stream: {}", stream, cause.getMessage());
    removeStream(stream);
    stream.fail(
        io.grpc.Status.UNAVAILABLE.withDescription(
            "A completion on this stream could not be recorded; reconnect"));
  }

  void abandon(String token, Lease.Kind kind) {
    synchronized (this) {
      Lease lease = leasesByToken.get(token);
      if (lease == null || lease.kind != kind || lease.completing) {
        throw new TaskhubException.NotFound(
            "No "
                + kind.name().toLowerCase()
                + " work item with completion token '"
                + token
                + "' is in flight");
      }
      giveBackLocked(lease);
    }
    dispatch();
  }

  /** Gives back every lease past its expiry; their streams get nothing new until they answer. */
  void expireLeases(long now) {
    boolean any = false;
    synchronized (this) {
      for (Lease lease : List.copyOf(leasesByToken.values())) {
        if (!lease.completing && lease.expiresAt <= now) {
          log.warn(
              "Lease on {} work item of {} held by {} expired; giving it back",
              lease.kind,
              lease.key,
              lease.stream);
          lease.stream.stalled = true;
          giveBackLocked(lease);
          any = true;
        }
      }
    }
    if (any) {
      dispatch();
    }
  }

  /** Ends every stream with the given status (server shutdown). */
  void closeStreams(io.grpc.Status status) {
    List<WorkerStream> open;
    synchronized (this) {
      open = List.copyOf(streams);
    }
    for (WorkerStream stream : open) {
      removeStream(stream);
      stream.fail(status);
    }
  }

  void pingIdleStreams(long idleNanos) {
    List<WorkerStream> open;
    synchronized (this) {
      open = List.copyOf(streams);
    }
    open.forEach(stream -> stream.pingIfIdle(idleNanos));
  }

  synchronized int connectedStreams() {
    return streams.size();
  }

  synchronized int readyInstanceCount() {
    return readyInstances.size();
  }

  synchronized int readyActivityCount() {
    return activities.queued();
  }

  // ---------------------------------------------------------------- dispatch

  /** Hands ready work to streams with room, round-robin; the sends run on the executor. */
  void dispatch() {
    List<Runnable> sends = new ArrayList<>();
    boolean claimMore;
    synchronized (this) {
      boolean progress = true;
      while (progress
          && !streams.isEmpty()
          && (!readyInstances.isEmpty() || !activities.isEmpty())) {
        progress = false;
        int count = streams.size();
        for (int i = 0; i < count; i++) {
          WorkerStream stream = streams.get(Math.floorMod(cursor + i, count));
          Runnable send;
          if (orchestrationFirstLocked()) {
            send = takeOrchestrationLocked(stream);
            send = send != null ? send : takeActivityLocked(stream);
          } else {
            send = takeActivityLocked(stream);
            send = send != null ? send : takeOrchestrationLocked(stream);
          }
          if (send != null) {
            sends.add(send);
            progress = true;
          }
        }
        cursor++;
      }
      claimMore = claims != null && wantsMoreLocked();
    }
    sends.forEach(executor::execute);
    if (claimMore) {
      claims.roomAvailable();
    }
  }

  /**
   * Where a stream's credit is shared between kinds (the official SDKs' streams), activities go
   * first so that results pile up and one episode takes them all in; an instance that has waited
   * {@link #ORCHESTRATION_PATIENCE_MILLIS} goes first, so fan-ins still make progress under load.
   */
  private boolean orchestrationFirstLocked() {
    InstanceKey oldest = readyInstances.peek();
    return oldest != null
        && (activities.isEmpty()
            || clock.millis() - slotLocked(oldest).queuedAt >= ORCHESTRATION_PATIENCE_MILLIS);
  }

  private Runnable takeActivityLocked(WorkerStream stream) {
    if (!stream.canTakeActivity()) {
      return null;
    }
    // A task whose id is still leased under an older generation waits: workers without completion
    // tokens name a result only by instance and task id, so one lease per id may be out at a time.
    PendingActivity pending = activities.next(activityLeases::containsKey);
    if (pending == null) {
      return null;
    }
    Lease lease =
        Lease.activity(newToken(), stream, pending, clock.millis() + settings.leaseTimeoutMillis());
    holdLocked(lease);
    stream.activitiesInFlight++;
    metrics.activityDispatched(pending.task.key(), pending.task.taskId(), clock.millis());
    WorkItem item =
        WorkItem.newBuilder()
            .setActivityRequest(pending.task.request())
            .setCompletionToken(lease.token)
            .build();
    return () -> stream.send(item);
  }

  private Runnable takeOrchestrationLocked(WorkerStream stream) {
    if (readyInstances.isEmpty() || !stream.canTakeOrchestration()) {
      return null;
    }
    InstanceKey key = readyInstances.poll();
    InstanceSlot slot = slotLocked(key);
    slot.queued = false;
    slot.inFlight = true;
    Episode pinned = slot.pinned;
    // A re-sent episode may predate events that arrived while it was queued: look again after it.
    slot.wakeAfterFlight = pinned != null;
    stream.orchestrationsInFlight++;
    return () -> prepareAndSend(stream, key, pinned);
  }

  /** Builds the episode (reading the store unless one is pinned) and sends it. */
  private void prepareAndSend(WorkerStream stream, InstanceKey key, Episode pinned) {
    Episode episode = pinned;
    if (episode == null) {
      try {
        episode = buildEpisode(key).orElse(null);
      } catch (RuntimeException e) {
        log.error("Could not read the next work item of {}; retrying in 1 s", key, e);
        synchronized (this) {
          stream.orchestrationsInFlight--;
          slotLocked(key).inFlight = false;
        }
        wakeups.wakeAt(key, clock.millis() + 1000);
        dispatch();
        return;
      }
    }
    WorkItem item = null;
    synchronized (this) {
      InstanceSlot slot = slotLocked(key);
      if (episode == null) {
        stream.orchestrationsInFlight--;
        endFlightLocked(key, slot);
      } else if (stream.closed) {
        slot.inFlight = false;
        slot.pinned = episode;
        wakeLocked(key);
      } else {
        Lease lease =
            Lease.orchestration(
                newToken(), stream, key, episode, clock.millis() + settings.leaseTimeoutMillis());
        holdLocked(lease);
        slot.pinned = episode;
        metrics.orchestrationDispatched();
        item =
            WorkItem.newBuilder()
                .setOrchestratorRequest(episode.request())
                .setCompletionToken(lease.token)
                .build();
      }
    }
    if (item != null) {
      stream.send(item);
    } else {
      dispatch();
    }
  }

  /** Reads the instance and its visible inbox; drops events that can no longer be delivered. */
  private Optional<Episode> buildEpisode(InstanceKey key) {
    long now = clock.millis();
    Optional<OrchestrationWorkItem> loaded = store.loadWorkItem(key, now, histories.get(key));
    if (claims != null && (loaded.isEmpty() || loaded.get().instance().isTerminal())) {
      // Gone or ended: nothing left to run here (claims only look at running instances).
      claims.forget(key);
    }
    if (loaded.isEmpty()) {
      return Optional.empty();
    }
    OrchestrationWorkItem workItem = loaded.get();
    List<Long> undeliverable = new ArrayList<>(workItem.staleInboxIds());
    if (workItem.instance().isTerminal()) {
      workItem.inbox().forEach(event -> undeliverable.add(event.id()));
    }
    if (!undeliverable.isEmpty()) {
      log.debug("Dropping {} undeliverable inbox events of {}", undeliverable.size(), key);
      store.discardInbox(key, undeliverable);
    }
    if (workItem.instance().isTerminal()) {
      return Optional.empty();
    }
    return Episode.build(workItem, now);
  }

  // ---------------------------------------------------------------- bookkeeping (lock held)

  private InstanceSlot slotLocked(InstanceKey key) {
    return instances.computeIfAbsent(key, k -> new InstanceSlot());
  }

  /** The instance's episode (or server-side step) is over: run what waited for it. */
  private void endFlightLocked(InstanceKey key, InstanceSlot slot) {
    slot.inFlight = false;
    if (slot.serverStepAfterFlight != null) {
      PendingServerStep step = slot.serverStepAfterFlight;
      slot.serverStepAfterFlight = null;
      startServerStepLocked(key, slot, step);
    } else if (slot.wakeAfterFlight) {
      runLocked(key);
    } else {
      forgetIfIdleLocked(key, slot);
    }
  }

  /**
   * A step the server plans and applies itself, without a worker (termination of an instance no
   * worker can end, rewind). It takes the instance's episode slot like a worker's episode would.
   */
  interface ServerStep {
    /** The step to apply to the instance as loaded now, or empty if there is nothing to do. */
    Optional<OrchestrationStep> plan(OrchestrationWorkItem workItem, long now);

    /** Runs after the step committed (outside the dispatcher's lock). */
    default void committed(OrchestrationStep step) {}
  }

  /** A server step and the future completed once it ran (applied or found nothing to do). */
  record PendingServerStep(ServerStep step, CompletableFuture<Void> done) {}

  /**
   * Runs {@code step} as soon as no episode of the instance is in flight.
   *
   * @return completed once the step ran
   */
  CompletableFuture<Void> runServerStep(InstanceKey key, ServerStep step) {
    PendingServerStep pending = new PendingServerStep(step, new CompletableFuture<>());
    synchronized (this) {
      InstanceSlot slot = slotLocked(key);
      if (slot.inFlight) {
        if (slot.serverStepAfterFlight != null) {
          // Superseded by a later request on the same instance.
          slot.serverStepAfterFlight.done().complete(null);
        }
        slot.serverStepAfterFlight = pending;
        return pending.done();
      }
      if (slot.queued) {
        readyInstances.remove(key);
        slot.queued = false;
        slot.wakeAfterFlight = true;
      }
      startServerStepLocked(key, slot, pending);
    }
    return pending.done();
  }

  /**
   * Terminates the instance without a worker (its ExecutionTerminated is already in the inbox):
   * used when it is suspended, has not started, or no worker is connected to the hub.
   */
  void terminateServerSide(InstanceKey key) {
    runServerStep(
        key,
        (workItem, now) -> {
          if (workItem.instance().isTerminal()) {
            return Optional.empty();
          }
          return Episode.buildForServer(workItem, now)
              .filter(e -> e.newEvents().stream().anyMatch(HistoryEvent::hasExecutionTerminated))
              .map(episode -> planner.terminate(episode, now));
        });
  }

  private void startServerStepLocked(InstanceKey key, InstanceSlot slot, PendingServerStep step) {
    slot.inFlight = true;
    slot.pinned = null;
    executor.execute(() -> runServerStep(key, step, clock.millis()));
  }

  private void runServerStep(InstanceKey key, PendingServerStep pending, long now) {
    ServerStep serverStep = pending.step();
    OrchestrationStep step = null;
    try {
      // Server steps rewrite or end the history: the cached one goes either way.
      histories.forget(key);
      Optional<OrchestrationWorkItem> loaded = store.loadWorkItem(key, now);
      if (loaded.isPresent()) {
        step = serverStep.plan(loaded.get(), now).orElse(null);
        if (step != null) {
          store.applyStep(step);
          log.info("Applied a server-side step to {}: now {}", key, step.update().status());
        }
      }
    } catch (RuntimeException e) {
      log.error("A server-side step on {} failed; nothing was applied", key, e);
      step = null;
    }
    synchronized (this) {
      InstanceSlot slot = slotLocked(key);
      if (step != null) {
        afterStepLocked(step, now);
      }
      // Whatever the instance's inbox holds now goes to a worker.
      slot.wakeAfterFlight = true;
      endFlightLocked(key, slot);
    }
    waiters.changed(key);
    if (step != null) {
      serverStep.committed(step);
    }
    dispatch();
    pending.done().complete(null);
  }

  private void forgetIfIdleLocked(InstanceKey key, InstanceSlot slot) {
    if (slot.idle() && !slot.wakeAfterFlight) {
      instances.remove(key);
    }
  }

  /** Queues the instance here if this node runs it, else leaves it to its owner or a claim. */
  private void runLocked(InstanceKey key) {
    if (claims == null || claims.owns(key)) {
      wakeLocked(key);
    } else {
      claims.elsewhere(key);
    }
  }

  /** No stream is left: the idle and queued instances and queued activities go to other nodes. */
  private void releaseClaimsLocked() {
    List<InstanceKey> idle = new ArrayList<>();
    for (InstanceKey key : claims.ownedSnapshot()) {
      InstanceSlot slot = instances.get(key);
      if (slot == null || !slot.inFlight) {
        idle.add(key);
        if (slot != null && slot.queued) {
          readyInstances.remove(key);
          slot.queued = false;
          slot.pinned = null;
          forgetIfIdleLocked(key, slot);
        }
      }
    }
    List<WorkClaims.ActivityKey> queued = new ArrayList<>();
    for (PendingActivity pending : activities.drainQueued()) {
      queued.add(new WorkClaims.ActivityKey(pending.task.key(), pending.task.taskId()));
    }
    claims.releaseAll(idle, queued);
  }

  /** A completion token; with several nodes it starts with this node's id, for relaying. */
  private String newToken() {
    String token = UUID.randomUUID().toString();
    return claims == null ? token : claims.tokenPrefix() + token;
  }

  private void wakeLocked(InstanceKey key) {
    InstanceSlot slot = slotLocked(key);
    if (slot.inFlight) {
      slot.wakeAfterFlight = true;
    } else if (!slot.queued) {
      slot.queued = true;
      slot.queuedAt = clock.millis();
      slot.wakeAfterFlight = false;
      readyInstances.add(key);
    }
  }

  private void holdLocked(Lease lease) {
    leasesByToken.put(lease.token, lease);
    lease.stream.leases.add(lease);
    if (lease.kind == Lease.Kind.ORCHESTRATION) {
      orchestrationLeases.put(lease.key, lease);
    } else {
      activityLeases.put(lease.activity.id(), lease);
    }
  }

  private void releaseLeaseLocked(Lease lease) {
    if (leasesByToken.remove(lease.token) == null) {
      return;
    }
    lease.stream.leases.remove(lease);
    if (lease.kind == Lease.Kind.ORCHESTRATION) {
      orchestrationLeases.remove(lease.key, lease);
      lease.stream.orchestrationsInFlight--;
    } else {
      activityLeases.remove(lease.activity.id(), lease);
      lease.stream.activitiesInFlight--;
    }
  }

  /** Puts a leased item back in its queue, or fails it for good past the poison limit. */
  private void giveBackLocked(Lease lease) {
    releaseLeaseLocked(lease);
    if (lease.kind == Lease.Kind.ORCHESTRATION) {
      InstanceSlot slot = slotLocked(lease.key);
      slot.inFlight = false;
      slot.deliveries++;
      if (slot.deliveries >= settings.poisonLimit()) {
        slot.inFlight = true;
        Episode episode = lease.episode;
        int deliveries = slot.deliveries;
        executor.execute(() -> failPoisonedOrchestration(lease.key, episode, deliveries));
      } else {
        wakeLocked(lease.key);
      }
    } else {
      PendingActivity pending = lease.activity;
      if (pending.done) {
        return;
      }
      pending.deliveries++;
      if (pending.deliveries >= settings.poisonLimit()) {
        executor.execute(() -> failPoisonedActivity(pending));
      } else {
        activities.requeue(pending);
      }
    }
  }

  private void afterStepLocked(OrchestrationStep step, long now) {
    if (step.terminal() || step.resetHistory()) {
      // The store dropped the instance's open activities: stop offering the queued ones, and
      // never re-queue the leased ones (their late results are ignored).
      activities.dropInstance(step.key());
    }
    if (claims == null) {
      step.activities().forEach(activities::add);
    } else {
      if (step.terminal()) {
        claims.forget(step.key());
      }
      if (!step.activities().isEmpty()) {
        // Committed unowned: this node claims what its workers can take, other nodes the rest.
        claims.activitiesCommitted();
      }
    }
    if (!step.children().isEmpty()) {
      step.children().forEach(child -> runLocked(child.instance().key()));
      // A child whose id was taken answers with a failure in this instance's inbox.
      runLocked(step.key());
    }
    for (InboxMessage message : step.messages()) {
      if (message.visibleAt() <= now) {
        runLocked(message.target());
      } else {
        wakeups.wakeAt(message.target(), message.visibleAt());
      }
    }
  }

  // ---------------------------------------------------------------- poison

  private void failPoisonedOrchestration(InstanceKey key, Episode episode, int deliveries) {
    String reason =
        "The orchestration work item of '"
            + key.instanceId()
            + "' was delivered "
            + deliveries
            + " times without being completed (poison limit "
            + settings.poisonLimit()
            + ")";
    log.error("{}; failing the instance", reason);
    long now = clock.millis();
    OrchestrationStep step = planner.fail(episode, now, Events.failure("PoisonMessage", reason));
    try {
      histories.forget(key);
      store.applyStep(step);
    } catch (RuntimeException e) {
      log.error("Could not fail poisoned instance {}", key, e);
    }
    synchronized (this) {
      InstanceSlot slot = slotLocked(key);
      slot.inFlight = false;
      slot.pinned = null;
      slot.deliveries = 0;
      afterStepLocked(step, now);
      forgetIfIdleLocked(key, slot);
    }
    waiters.changed(key);
    dispatch();
  }

  private void failPoisonedActivity(PendingActivity pending) {
    ActivityTask task = pending.task;
    String reason =
        "Activity '"
            + task.request().getName()
            + "' (task "
            + task.taskId()
            + " of '"
            + task.key().instanceId()
            + "') was delivered "
            + pending.deliveries
            + " times without being completed (poison limit "
            + settings.poisonLimit()
            + ")";
    log.error("{}; failing the task", reason);
    HistoryEvent failed =
        Events.taskFailed(task.taskId(), Events.failure("PoisonMessage", reason), clock.millis());
    ActivityResponse response =
        ActivityResponse.newBuilder()
            .setInstanceId(task.key().instanceId())
            .setTaskId(task.taskId())
            .build();
    try {
      completeActivity("", response, failed, true);
    } catch (RuntimeException e) {
      log.error("Could not fail poisoned activity {} of {}", task.taskId(), task.key(), e);
    }
  }

  private TaskhubException noOrchestrationLease(InstanceKey key) {
    if (store.findInstance(key).isEmpty()) {
      return new TaskhubException.NotFound(
          "No instance with ID '" + key.instanceId() + "' was found");
    }
    return new TaskhubException.LeaseLost(
        "No orchestration work item of instance '"
            + key.instanceId()
            + "' is in flight for this completion: it was completed already, or its lease expired and it was given back");
  }
}
