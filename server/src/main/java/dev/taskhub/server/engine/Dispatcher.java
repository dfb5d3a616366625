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
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one task hub's ready work to its connected streams and takes their completions: the
 * coordinator of the hub's parts, which all run under its lock.
 *
 * <p>{@link InstanceSlots} holds the instances with work (at most one episode of each in flight,
 * carrying every inbox event visible when it is built), {@link ActivityQueue} the activities, both
 * fed after each commit, so nothing polls. {@link StreamRoster} serves the streams round-robin
 * while they have credit and their transport is ready. Every dispatch holds a lease in the {@link
 * LeaseBook}; a lease that expires, is abandoned, or whose stream goes away is given back and the
 * item dispatched again, until {@link PoisonControl} fails it for good. {@link ServerSteps} run in
 * an instance's flight like episodes. Where work comes from and where work this node does not run
 * goes is the {@link WorkSource}'s business.
 *
 * <p>Store I/O and sending happen outside the lock.
 */
final class Dispatcher implements HubQueues {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** How long a ready episode may wait behind activities before it goes first. */
  static final long ORCHESTRATION_PATIENCE_MILLIS = 100;

  /** Histories kept in memory per task hub, in events (about 100 bytes each on the heap). */
  static final long MAX_CACHED_HISTORY_EVENTS = 2_000_000;

  private final String hub;
  private final Store store;
  private final Clock clock;
  private final Timers timers;
  private final Executor executor;
  private final StepPlanner planner;
  private final EngineSettings settings;
  private final Waiters waiters;
  private final PoisonControl poison;
  private final HistoryCache histories = new HistoryCache(MAX_CACHED_HISTORY_EVENTS);
  private final ServerSteps serverSteps;
  private final StreamRoster streams = new StreamRoster();
  private final InstanceSlots instances = new InstanceSlots();
  private final ActivityQueue activities = new ActivityQueue();
  private final LeaseBook leases = new LeaseBook();
  private final WorkSource source;

  volatile EngineMetrics metrics = EngineMetrics.NONE;

  Dispatcher(
      String hub,
      Store store,
      Timers timers,
      Executor executor,
      StepPlanner planner,
      EngineSettings settings,
      Waiters waiters,
      Membership membership) {
    this.hub = hub;
    this.store = store;
    this.clock = timers.clock();
    this.timers = timers;
    this.executor = executor;
    this.planner = planner;
    this.settings = settings;
    this.waiters = waiters;
    this.poison = new PoisonControl(settings.poisonLimit(), planner);
    this.serverSteps = new ServerSteps(store, histories, planner);
    // Last: the source may keep this dispatcher as its queues.
    this.source = membership.join(this);
  }

  // ---------------------------------------------------------------- inputs

  /** An inbox event of the instance is visible now. */
  void wake(InstanceKey key) {
    synchronized (this) {
      runLocked(key);
    }
    dispatch();
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
      if (streams.isEmpty()) {
        source.lastStreamLeft(this);
      }
    }
    log.info("Worker {} disconnected; {} work items given back", stream, givenBack);
    dispatch();
  }

  // ---------------------------------------------------------------- completions

  /** Applies a worker's orchestrator response to the episode it answers. */
  void completeOrchestration(String token, OrchestratorResponse response) {
    InstanceKey key = new InstanceKey(hub, response.getInstanceId());
    Lease lease;
    synchronized (this) {
      lease = leases.beginOrchestrationCompletion(token, key);
    }
    if (lease == null) {
      if (source.relay(token, response)) {
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
        leases.release(lease);
        instances.stepRejected(key);
        if (source.rerunAfterRejectedStep(key)) {
          instances.wake(key, now);
        } else {
          instances.forgetIfIdle(key);
        }
      }
      endStreamAfterFailedCompletion(lease.stream, e);
      throw e;
    } catch (RuntimeException e) {
      synchronized (this) {
        leases.abortCompletion(lease);
        giveBackLocked(lease);
      }
      endStreamAfterFailedCompletion(lease.stream, e);
      throw e;
    }
    synchronized (this) {
      leases.release(lease);
      instances.stepCommitted(key);
      afterStepLocked(step, now);
      endFlightLocked(key);
    }
    waiters.changed(key);
    dispatch();
  }

  /** Records a worker's activity result (a repeated or late one changes nothing). */
  void completeActivity(String token, ActivityResponse response, HistoryEvent result) {
    PendingActivity.ActivityId id =
        new PendingActivity.ActivityId(
            new InstanceKey(hub, response.getInstanceId()), response.getTaskId());
    ActivityCompletion completion = beginActivityCompletion(token, id);
    if (completion.lease() == null && source.relay(token, response)) {
      return;
    }
    recordActivityResult(completion, id, result);
  }

  /**
   * An activity result about to be recorded: the lease it answers (null if none is held here) and
   * the generation it belongs to, so a result of an older one cannot complete a newer generation's
   * task that reuses the task id.
   */
  private record ActivityCompletion(Lease lease, String executionId) {}

  private synchronized ActivityCompletion beginActivityCompletion(
      String token, PendingActivity.ActivityId id) {
    Lease lease = leases.beginActivityCompletion(token, id);
    PendingActivity pending = lease != null ? lease.activity : activities.find(id);
    return new ActivityCompletion(lease, pending == null ? null : pending.task.executionId());
  }

  private void recordActivityResult(
      ActivityCompletion completion, PendingActivity.ActivityId id, HistoryEvent result) {
    Lease lease = completion.lease();
    InstanceKey key = id.key();
    Optional<ActivityTask> completed;
    try {
      completed =
          store.completeActivity(
              key, id.taskId(), completion.executionId(), result, clock.millis());
    } catch (RuntimeException e) {
      if (lease != null) {
        synchronized (this) {
          leases.abortCompletion(lease);
        }
        endStreamAfterFailedCompletion(lease.stream, e);
      }
      throw e;
    }
    synchronized (this) {
      if (lease != null) {
        leases.release(lease);
      }
      activities.complete(id, completion.executionId());
      if (completed.isPresent()) {
        runLocked(key);
      } else {
        log.debug("Ignored a repeated or late completion of activity {} of {}", id.taskId(), key);
      }
    }
    if (completed.isPresent()) {
      waiters.touched(key);
      metrics.activityCompleted(key, id.taskId(), clock.millis());
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
    stream.close(WorkItemSink.StreamEnd.COMPLETION_FAILED);
  }

  void abandon(String token, Lease.Kind kind) {
    synchronized (this) {
      Lease lease = leases.forAbandon(token, kind);
      if (lease == null) {
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
      for (Lease lease : leases.expired(now)) {
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
    if (any) {
      dispatch();
    }
  }

  /** Ends every stream for {@code reason} (server shutdown). */
  void closeStreams(WorkItemSink.StreamEnd reason) {
    List<WorkerStream> open;
    synchronized (this) {
      open = streams.snapshot();
    }
    for (WorkerStream stream : open) {
      removeStream(stream);
      stream.close(reason);
    }
  }

  void pingIdleStreams(long idleMillis) {
    List<WorkerStream> open;
    synchronized (this) {
      open = streams.snapshot();
    }
    open.forEach(stream -> stream.pingIfIdle(idleMillis));
  }

  synchronized int readyInstanceCount() {
    return instances.readyCount();
  }

  synchronized int readyActivityCount() {
    return activities.queued();
  }

  // ---------------------------------------------------------------- dispatch

  /** Hands ready work to streams with room, round-robin; the sends run on the executor. */
  void dispatch() {
    List<Runnable> sends = new ArrayList<>();
    boolean wantsMore;
    synchronized (this) {
      boolean progress = true;
      while (progress && !streams.isEmpty() && (instances.hasReady() || !activities.isEmpty())) {
        progress = false;
        for (WorkerStream stream : streams.nextRound()) {
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
      }
      wantsMore =
          !streams.isEmpty()
              && (instances.readyCount() < streams.wantedInstances()
                  || activities.queued() * 2 < streams.wantedActivities());
    }
    sends.forEach(executor::execute);
    if (wantsMore) {
      source.wantsMore();
    }
  }

  /**
   * Where a stream's credit is shared between kinds (the official SDKs' streams), activities go
   * first so that results pile up and one episode takes them all in; an instance that has waited
   * {@link #ORCHESTRATION_PATIENCE_MILLIS} goes first, so fan-ins still make progress under load.
   */
  private boolean orchestrationFirstLocked() {
    return instances.hasReady()
        && (activities.isEmpty()
            || clock.millis() - instances.oldestQueuedAt() >= ORCHESTRATION_PATIENCE_MILLIS);
  }

  private Runnable takeActivityLocked(WorkerStream stream) {
    if (!stream.canTakeActivity()) {
      return null;
    }
    // A task whose id is still leased under an older generation waits: workers without completion
    // tokens name a result only by instance and task id, so one lease per id may be out at a time.
    PendingActivity pending = activities.next(leases::holdsActivity);
    if (pending == null) {
      return null;
    }
    Lease lease =
        Lease.activity(
            source.newToken(), stream, pending, clock.millis() + settings.leaseTimeoutMillis());
    stream.takeActivityCredit();
    leases.hold(lease);
    metrics.activityDispatched(pending.task.key(), pending.task.taskId(), clock.millis());
    WorkItem item =
        WorkItem.newBuilder()
            .setActivityRequest(pending.task.request())
            .setCompletionToken(lease.token)
            .build();
    return () -> stream.send(item);
  }

  private Runnable takeOrchestrationLocked(WorkerStream stream) {
    if (!instances.hasReady() || !stream.canTakeOrchestration()) {
      return null;
    }
    InstanceSlots.Taken taken = instances.take();
    stream.takeOrchestrationCredit();
    return () -> prepareAndSend(stream, taken.key(), taken.pinned());
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
          stream.returnOrchestrationCredit();
          instances.readFailed(key);
        }
        timers.at(clock.millis() + 1000, () -> wake(key));
        dispatch();
        return;
      }
    }
    WorkItem item = null;
    synchronized (this) {
      if (episode == null) {
        stream.returnOrchestrationCredit();
        endFlightLocked(key);
      } else if (stream.closed) {
        instances.notSent(key, episode, clock.millis());
      } else {
        Lease lease =
            Lease.orchestration(
                source.newToken(),
                stream,
                key,
                episode,
                clock.millis() + settings.leaseTimeoutMillis());
        leases.hold(lease);
        instances.sent(key, episode);
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
    if (loaded.isEmpty() || loaded.get().instance().isTerminal()) {
      source.ended(key);
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

  // ---------------------------------------------------------------- server steps

  /**
   * Runs {@code step} as soon as no episode of the instance is in flight.
   *
   * @return completed once the step ran
   */
  CompletableFuture<Void> runServerStep(InstanceKey key, ServerStep step) {
    ServerStep.Pending pending = new ServerStep.Pending(step);
    synchronized (this) {
      if (instances.requestServerStep(key, pending)) {
        startServerStepLocked(key, pending);
      }
    }
    return pending.done();
  }

  /** Terminates the instance without a worker (its ExecutionTerminated is already in the inbox). */
  void terminateServerSide(InstanceKey key) {
    runServerStep(key, serverSteps.termination());
  }

  private void startServerStepLocked(InstanceKey key, ServerStep.Pending pending) {
    executor.execute(() -> runServerStep(key, pending));
  }

  private void runServerStep(InstanceKey key, ServerStep.Pending pending) {
    long now = clock.millis();
    OrchestrationStep step = serverSteps.apply(key, pending.step(), now);
    synchronized (this) {
      if (step != null) {
        afterStepLocked(step, now);
      }
      instances.serverStepRan(key);
      endFlightLocked(key);
    }
    waiters.changed(key);
    if (step != null) {
      pending.step().committed(step);
    }
    dispatch();
    pending.done().complete(null);
  }

  // ---------------------------------------------------------------- bookkeeping (lock held)

  /** The instance's episode (or server step) is over: run what waited for it. */
  private void endFlightLocked(InstanceKey key) {
    ServerStep.Pending waiting = instances.endFlight(key, clock.millis());
    if (waiting != null) {
      startServerStepLocked(key, waiting);
    }
  }

  /** Queues the instance here if this node runs it; else the source hands it on. */
  private void runLocked(InstanceKey key) {
    if (source.runsHere(key)) {
      instances.wake(key, clock.millis());
    }
  }

  /** Puts a leased item back in its queue, or fails it for good past the poison limit. */
  private void giveBackLocked(Lease lease) {
    leases.release(lease);
    if (lease.kind == Lease.Kind.ORCHESTRATION) {
      int deliveries = instances.givenBack(lease.key);
      if (poison.exceeded(deliveries)) {
        instances.holdForFailure(lease.key);
        Episode episode = lease.episode;
        executor.execute(() -> failPoisonedOrchestration(lease.key, episode, deliveries));
      } else {
        instances.wake(lease.key, clock.millis());
      }
    } else {
      PendingActivity pending = lease.activity;
      if (pending.done) {
        return;
      }
      pending.deliveries++;
      if (poison.exceeded(pending.deliveries)) {
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
    if (step.terminal()) {
      source.ended(step.key());
    }
    source.queueHere(step.activities()).forEach(activities::add);
    if (!step.children().isEmpty()) {
      step.children().forEach(child -> runLocked(child.instance().key()));
      // A child whose id was taken answers with a failure in this instance's inbox.
      runLocked(step.key());
    }
    for (InboxMessage message : step.messages()) {
      if (message.visibleAt() <= now) {
        runLocked(message.target());
      } else {
        InstanceKey target = message.target();
        timers.at(message.visibleAt(), () -> wake(target));
      }
    }
  }

  // ---------------------------------------------------------------- poison

  private void failPoisonedOrchestration(InstanceKey key, Episode episode, int deliveries) {
    long now = clock.millis();
    OrchestrationStep step = poison.failOrchestration(key, episode, deliveries, now);
    try {
      histories.forget(key);
      store.applyStep(step);
    } catch (RuntimeException e) {
      log.error("Could not fail poisoned instance {}", key, e);
    }
    synchronized (this) {
      instances.stepCommitted(key);
      afterStepLocked(step, now);
      endFlightLocked(key);
    }
    waiters.changed(key);
    dispatch();
  }

  private void failPoisonedActivity(PendingActivity pending) {
    ActivityTask task = pending.task;
    HistoryEvent failed = poison.failActivity(task, pending.deliveries, clock.millis());
    PendingActivity.ActivityId id = pending.id();
    try {
      recordActivityResult(beginActivityCompletion("", id), id, failed);
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

  // ---------------------------------------------------------------- HubQueues (claimed work)

  @Override
  public String hub() {
    return hub;
  }

  @Override
  public synchronized Room room() {
    if (streams.isEmpty()) {
      return new Room(0, 0);
    }
    return new Room(
        Math.max(0, streams.wantedInstances() - instances.readyCount()),
        Math.max(0, streams.wantedActivities() - activities.queued()));
  }

  @Override
  public synchronized int connectedStreams() {
    return streams.size();
  }

  @Override
  public void claimed(List<InstanceKey> claimedInstances, List<ActivityTask> claimedActivities) {
    synchronized (this) {
      long now = clock.millis();
      claimedInstances.forEach(key -> instances.wake(key, now));
      claimedActivities.forEach(activities::add);
    }
    dispatch();
  }

  @Override
  public void wake(List<InstanceKey> keys) {
    synchronized (this) {
      long now = clock.millis();
      keys.forEach(key -> instances.wake(key, now));
    }
    dispatch();
  }

  @Override
  public int ensureRunning(List<InstanceKey> owned, Set<InstanceKey> adopted) {
    int missed = 0;
    synchronized (this) {
      if (streams.isEmpty()) {
        return 0; // its claims are being handed to other nodes
      }
      long now = clock.millis();
      for (InstanceKey key : owned) {
        if (adopted.contains(key) || !instances.isBusy(key)) {
          instances.wake(key, now);
          missed++;
        }
      }
    }
    if (missed > 0) {
      dispatch();
    }
    return missed;
  }

  @Override
  public synchronized void dropQueued(Collection<InstanceKey> keys) {
    keys.forEach(instances::dequeue);
    activities.drainQueued();
  }

  @Override
  public synchronized List<InstanceKey> takeIdle(Collection<InstanceKey> keys) {
    List<InstanceKey> idle = new ArrayList<>();
    for (InstanceKey key : keys) {
      if (!instances.isInFlight(key)) {
        idle.add(key);
        instances.dequeue(key);
      }
    }
    return idle;
  }

  @Override
  public synchronized List<ActivityTask> takeQueuedActivities() {
    return activities.drainQueued().stream().map(pending -> pending.task).toList();
  }
}
