package dev.taskhub.server.engine;

import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.WorkName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one task hub's ready work to its connected streams and takes their completions: the I/O
 * around the hub's in-memory {@link HubWork}. It builds episodes from the store, sends work items,
 * commits workers' answers ({@link StepPlanner}), runs {@link ServerSteps} and fails poisoned items
 * ({@link PoisonControl}), and leaves entities' steps to {@link EntitySteps}, then reports each
 * outcome to {@code HubWork}, which decides what runs next under its lock. Nothing here holds that
 * lock while it reads, writes or sends.
 *
 * <p>At most one episode per instance is in flight, and it carries every inbox event visible when
 * it is built; work is fed after each commit, so nothing polls. Every dispatch holds a lease; a
 * lease that expires, is abandoned, or whose stream goes away is given back and the item dispatched
 * again, until the poison limit fails it for good.
 */
final class Dispatcher implements HubWork.Followups {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** Histories kept in memory per task hub, in events (about 100 bytes each on the heap). */
  static final long MAX_CACHED_HISTORY_EVENTS = 2_000_000;

  /** How long to wait before reading an instance again whose read failed. */
  static final long READ_RETRY_MILLIS = 1_000;

  private final Store store;
  private final Clock clock;
  private final Timers timers;
  private final Executor executor;
  private final StepPlanner planner;
  private final Waiters waiters;
  private final PoisonControl poison;
  private final HistoryCache histories = new HistoryCache(MAX_CACHED_HISTORY_EVENTS);
  private final WarmRuns warmRuns = new WarmRuns(WarmRuns.MAX_ENTRIES);
  private final ServerSteps serverSteps;
  private final EntitySteps entitySteps;
  private final HubWork work;

  Dispatcher(
      String hub,
      Store store,
      Timers timers,
      Executor executor,
      StepPlanner planner,
      EngineSettings settings,
      Waiters waiters,
      Membership membership) {
    this.store = store;
    this.clock = timers.clock();
    this.timers = timers;
    this.executor = executor;
    this.planner = planner;
    this.waiters = waiters;
    this.poison = new PoisonControl(settings.poisonLimit(), planner);
    this.serverSteps = new ServerSteps(store, histories, planner);
    this.work = new HubWork(hub, clock, settings.leaseTimeoutMillis(), poison, this);
    work.attach(membership.join(new ClaimedWorkQueues(work, this::dispatch)));
    this.entitySteps =
        new EntitySteps(
            store,
            clock,
            work,
            waiters,
            new EntityResults(planner.payloadLimit()),
            this::dispatch,
            this::endStreamAfterFailedCompletion);
  }

  void reportTo(EngineMetrics metrics) {
    work.metrics = metrics;
  }

  void traceTo(Tracing tracing) {
    work.tracing = tracing;
  }

  // ---------------------------------------------------------------- inputs

  /** An inbox event of the instance is visible now. */
  void wake(InstanceKey key) {
    work.wake(key);
    dispatch();
  }

  /** An inbox event of the instance, whose name and version are known, is visible now. */
  void wake(InstanceKey key, WorkName name) {
    work.wake(key, name);
    dispatch();
  }

  /** Remembers an instance's name and version for when it wakes. */
  void know(InstanceKey key, WorkName name) {
    work.know(key, name);
  }

  /** Activities were committed and can be dispatched. */
  void activitiesScheduled(List<ActivityTask> tasks) {
    work.queueActivities(tasks);
    dispatch();
  }

  void addStream(WorkerStream stream) {
    work.addStream(stream);
    log.info(
        "Worker {} connected: up to {} orchestrations, {} activities, {} in all; takes {}",
        stream,
        stream.maxOrchestrations,
        stream.maxActivities,
        stream.maxTotal,
        stream.filter);
    dispatch();
  }

  /** The stream ended: everything it held goes back to the queues at once. */
  void removeStream(WorkerStream stream) {
    List<Lease> givenBack = work.removeStream(stream);
    if (givenBack != null) {
      log.info("Worker {} disconnected; {} work items given back", stream, givenBack.size());
      AttemptSpans.givenBack(work.tracing, givenBack, clock.millis(), "worker gone");
      dispatch();
    }
  }

  String hub() {
    return work.hub();
  }

  int connectedStreams() {
    return work.connectedStreams();
  }

  // ---------------------------------------------------------------- completions

  /** Applies a worker's orchestrator response to the episode it answers. */
  void completeOrchestration(String token, OrchestratorResponse response) {
    InstanceKey key = new InstanceKey(hub(), response.getInstanceId());
    Lease lease = work.beginOrchestrationCompletion(token, key);
    if (lease == null) {
      if (work.source().relay(token, response)) {
        return;
      }
      throw noOrchestrationLease(key);
    }
    if (response.getRequiresHistory()) {
      warmRuns.forget(key);
      log.debug("Worker {} asked for the whole history of {}", lease.stream, key);
      work.historyRequired(lease);
      dispatch();
      return;
    }
    long now = clock.millis();
    OrchestrationStep step;
    int processed;
    try {
      processed = StepPlanner.processedEvents(lease.episode, response); // refuses a negative count
      long planStarted = System.nanoTime();
      step = planner.plan(lease.episode, response, now);
      store.applyStep(step);
      work.metrics.orchestrationCompleted(System.nanoTime() - planStarted);
      histories.applied(lease.episode.workItem().history(), step);
      warmRuns.answered(lease, step, processed);
    } catch (TaskhubException.LeaseLost e) {
      histories.forget(key);
      warmRuns.forget(key);
      work.stepRejected(lease);
      endStreamAfterFailedCompletion(lease.stream, e);
      throw e;
    } catch (RuntimeException e) {
      work.completionFailed(lease);
      endStreamAfterFailedCompletion(lease.stream, e);
      throw e;
    }
    work.stepCommitted(lease, step, now);
    reportActions(step);
    work.tracing.episodeCommitted(lease.episode.workItem(), lease.episode.newEvents(), step, now);
    if (processed < lease.episode.newEvents().size()) {
      work.wake(key); // the events the worker left go out with the next episode
    }
    waiters.changedTo(key, step.update().status());
    dispatch();
  }

  /**
   * Counts the actions a committed step applied, by kind, as the DTS's TotalActions does: from the
   * events it recorded, so actions an SDK sends again (the Java SDK 1.5.0 does) count once.
   */
  private void reportActions(OrchestrationStep step) {
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (HistoryEvent event : step.history()) {
      String kind = actionKind(event);
      if (kind != null) {
        kinds.merge(kind, 1, Integer::sum);
      }
    }
    kinds.forEach((kind, count) -> work.metrics.actionsApplied(hub(), kind, count));
  }

  private static String actionKind(HistoryEvent event) {
    return switch (event.getEventTypeCase()) {
      case TASKSCHEDULED -> "scheduleTask";
      case SUBORCHESTRATIONINSTANCECREATED -> "createSubOrchestration";
      case TIMERCREATED -> "createTimer";
      case EVENTSENT -> "sendEvent";
      case EXECUTIONCOMPLETED -> "completeOrchestration";
      case ENTITYOPERATIONSIGNALED, ENTITYOPERATIONCALLED, ENTITYLOCKREQUESTED, ENTITYUNLOCKSENT ->
          "sendEntityMessage";
      default -> null;
    };
  }

  /** Records a worker's activity result (a repeated or late one changes nothing). */
  void completeActivity(String token, ActivityResponse response, HistoryEvent result) {
    PendingActivity.ActivityId id =
        new PendingActivity.ActivityId(
            new InstanceKey(hub(), response.getInstanceId()), response.getTaskId());
    HubWork.ActivityCompletion completion = work.beginActivityCompletion(token, id);
    if (completion.lease() == null && work.source().relay(token, response)) {
      return;
    }
    recordActivityResult(completion, id, result);
  }

  private void recordActivityResult(
      HubWork.ActivityCompletion completion, PendingActivity.ActivityId id, HistoryEvent result) {
    Lease lease = completion.lease();
    InstanceKey key = id.key();
    Optional<ActivityTask> completed;
    long now = clock.millis();
    try {
      completed = store.completeActivity(key, id.taskId(), completion.executionId(), result, now);
    } catch (RuntimeException e) {
      if (lease != null) {
        work.activityNotRecorded(lease);
        endStreamAfterFailedCompletion(lease.stream, e);
      }
      throw e;
    }
    work.activityRecorded(completion, id, completed.isPresent());
    if (completed.isPresent()) {
      waiters.touched(key);
      work.metrics.activityCompleted(key, id.taskId(), now);
      if (lease != null) {
        PendingActivity attempt = lease.activity;
        work.tracing.activityAttemptEnded(
            completed.get(),
            attempt.deliveries + attempt.abandons + 1,
            attempt.dispatchedAt,
            now,
            "completed");
      }
      work.tracing.activityCompleted(completed.get(), result, now);
    } else {
      log.debug("Ignored a repeated or late completion of activity {} of {}", id.taskId(), key);
    }
    dispatch();
  }

  /**
   * A completion failed on the server's side (the store): the official Java SDK 1.5.0 answers an
   * error by leaving its stream without cancelling it and opening a new one, so items sent on the
   * old one would wait for their lease to expire. The stream is ended instead (a worker that still
   * reads it reconnects) and everything it held goes back to the queues.
   */
  void endStreamAfterFailedCompletion(WorkerStream stream, RuntimeException cause) {
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

  /**
   * Gives an item back at its worker's request.
   *
   * @throws TaskhubException.NotFound if no such item is out
   */
  void abandon(String token, Lease.Kind kind) {
    Lease lease = work.abandon(token, kind);
    AttemptSpans.givenBack(work.tracing, List.of(lease), clock.millis(), "abandoned");
    dispatch();
  }

  /** Gives back every lease past its expiry; their streams get nothing new until they answer. */
  void expireLeases(long now) {
    List<Lease> expired = work.expire(now);
    AttemptSpans.givenBack(work.tracing, expired, now, "lease expired");
    for (Lease lease : expired) {
      work.metrics.leaseExpired(hub(), lease.kind.name().toLowerCase(java.util.Locale.ROOT));
      log.warn(
          "Lease on {} work item of {} held by {} expired; gave it back",
          lease.kind,
          lease.key,
          lease.stream);
    }
    if (!expired.isEmpty()) {
      dispatch();
    }
  }

  /** Ends every stream for {@code reason} (server shutdown). */
  void closeStreams(WorkItemSink.StreamEnd reason) {
    for (WorkerStream stream : work.streams()) {
      removeStream(stream);
      stream.close(reason);
    }
  }

  void pingIdleStreams(long idleMillis) {
    work.streams().forEach(stream -> stream.pingIfIdle(idleMillis));
  }

  int readyInstanceCount() {
    return work.readyInstanceCount();
  }

  int readyActivityCount() {
    return work.readyActivityCount();
  }

  List<WaitingWork> waiting() {
    return work.waiting();
  }

  /** Since when each kind's longest-waiting ready item has waited (epoch ms). */
  Map<String, Long> oldestReady() {
    return work.oldestReady();
  }

  // ---------------------------------------------------------------- dispatch

  /** Hands ready work to streams with room, round-robin; the sends run on the executor. */
  void dispatch() {
    HubWork.Round round = work.takeRound();
    for (HubWork.Dispatch next : round.dispatches()) {
      switch (next) {
        case HubWork.Dispatch.Activity activity ->
            executor.execute(() -> activity.stream().send(activity.item()));
        case HubWork.Dispatch.Orchestration episode ->
            executor.execute(
                () -> prepareAndSend(episode.stream(), episode.key(), episode.pinned()));
        case HubWork.Dispatch.Entity entity ->
            executor.execute(() -> entitySteps.plan(entity.stream(), entity.key()));
      }
    }
    if (!round.unnamed().isEmpty()) {
      executor.execute(() -> readNames(round.unnamed()));
    }
    if (round.wantsMore()) {
      work.source().wantsMore();
    }
  }

  /** Reads the names of queued instances, so that they go to streams whose filters take them. */
  private void readNames(List<InstanceKey> keys) {
    try {
      List<String> ids = keys.stream().map(InstanceKey::instanceId).toList();
      work.named(keys, store.findWorkNames(hub(), ids));
    } catch (RuntimeException e) {
      log.error("Could not read the names of {} queued instances; retrying in 1 s", keys.size(), e);
      work.namesUnknown(keys);
      timers.at(clock.millis() + READ_RETRY_MILLIS, this::dispatch);
      return;
    }
    dispatch();
  }

  /** Builds the episode (reading the store unless one is pinned) and sends it. */
  private void prepareAndSend(WorkerStream stream, InstanceKey key, Episode pinned) {
    Episode episode = pinned;
    if (episode == null) {
      try {
        episode = buildEpisode(key).orElse(null);
      } catch (RuntimeException e) {
        log.error("Could not read the next work item of {}; retrying in 1 s", key, e);
        work.episodeReadFailed(stream, key, clock.millis() + READ_RETRY_MILLIS);
        dispatch();
        return;
      }
    }
    WorkItem item = null;
    if (episode == null) {
      work.noEpisode(stream, key);
    } else {
      item = work.episodeReady(stream, key, episode, warmRuns.requestFor(stream, key, episode));
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
      work.source().ended(key);
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

  // ---------------------------------------------------------------- entities

  /**
   * Applies a worker's answer to the entity batch its token names.
   *
   * @throws TaskhubException.LeaseLost if no batch is out for this token
   */
  void completeEntity(EntityBatchResult result) {
    entitySteps.complete(result);
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

  // ---------------------------------------------------------------- server steps

  /**
   * Runs {@code step} as soon as no episode of the instance is in flight.
   *
   * @return completed once the step ran
   */
  CompletableFuture<Void> runServerStep(InstanceKey key, ServerStep step) {
    ServerStep.Pending pending = new ServerStep.Pending(step);
    work.requestServerStep(key, pending);
    return pending.done();
  }

  /** Terminates the instance without a worker (its ExecutionTerminated is already in the inbox). */
  void terminateServerSide(InstanceKey key) {
    runServerStep(key, serverSteps.termination());
  }

  // ---------------------------------------------------------------- HubWork.Followups

  @Override
  public void wakeAt(InstanceKey key, long epochMillis) {
    timers.at(epochMillis, () -> wake(key));
  }

  @Override
  public void startServerStep(InstanceKey key, ServerStep.Pending pending) {
    executor.execute(
        () -> {
          long now = clock.millis();
          warmRuns.forget(key); // a server step may rewrite the history (rewind)
          OrchestrationStep step = serverSteps.apply(key, pending.step(), now, work.tracing);
          work.serverStepRan(key, step, now);
          waiters.changed(key);
          if (step != null) {
            pending.step().committed(step);
          }
          dispatch();
          pending.done().complete(null);
        });
  }

  @Override
  public void failOrchestration(InstanceKey key, Episode episode, int deliveries) {
    work.metrics.poisoned(hub(), "orchestration");
    executor.execute(
        () -> {
          long now = clock.millis();
          OrchestrationStep step = poison.failOrchestration(key, episode, deliveries, now);
          try {
            histories.forget(key);
            warmRuns.forget(key);
            store.applyStep(step);
            work.tracing.episodeCommitted(episode.workItem(), episode.newEvents(), step, now);
          } catch (RuntimeException e) {
            log.error("Could not fail poisoned instance {}", key, e);
          }
          work.poisonedInstanceFailed(key, step, now);
          waiters.changed(key);
          dispatch();
        });
  }

  @Override
  public void failEntityBatch(InstanceKey key, EntityBatch batch, int deliveries) {
    work.metrics.poisoned(hub(), "entity");
    executor.execute(() -> entitySteps.failPoisoned(key, batch, deliveries));
  }

  @Override
  public void requeueAt(PendingActivity pending, long epochMillis) {
    timers.at(
        epochMillis,
        () -> {
          work.requeue(pending);
          dispatch();
        });
  }

  @Override
  public void failActivity(PendingActivity pending) {
    work.metrics.poisoned(hub(), "activity");
    executor.execute(
        () -> {
          ActivityTask task = pending.task;
          HistoryEvent failed = poison.failActivity(task, pending.deliveries, clock.millis());
          PendingActivity.ActivityId id = pending.id();
          try {
            recordActivityResult(work.beginActivityCompletion("", id), id, failed);
          } catch (RuntimeException e) {
            log.error("Could not fail poisoned activity {} of {}", task.taskId(), task.key(), e);
          }
        });
  }
}
