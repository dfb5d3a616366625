package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.store.CommitListener;
import dev.taskhub.server.store.EntityId;
import dev.taskhub.server.store.InstanceFilter;
import dev.taskhub.server.store.InstanceIdPage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstancePage;
import dev.taskhub.server.store.InstancePageRequest;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.PendingWork;
import dev.taskhub.server.store.PurgeResult;
import dev.taskhub.server.store.Statuses;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.TimeRange;
import dev.taskhub.server.store.WorkName;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's core, independent of any transport: creates instances, routes events, and runs
 * one {@link Dispatcher} per task hub. Every state change is committed to the {@link Store} before
 * the in-memory queues learn of it, so a crash loses no work: {@link #start} rebuilds the queues
 * from the store.
 *
 * <p>It is the whole transport-independent API (gRPC and HTTP both call it), which makes it long;
 * each method validates state and hands the work to the store or a dispatcher.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  /** DTS pings idle streams; newer SDKs drop a stream that stays silent for 60–120 s. */
  static final long HEALTH_PING_MILLIS = 30_000;

  /** How often held leases are checked for expiry. */
  static final long LEASE_CHECK_MILLIS = 1_000;

  private final Store store;
  private final Clock clock;
  private final Timers timers;
  private final EngineSettings settings;
  private final PayloadLimit payloadLimit;
  private final Waiters waiters = new Waiters();
  private final TaskHubs hubs;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong streamIds = new AtomicLong();
  private final Membership membership;
  private final boolean allowHubManagement;
  private final Entities entities;
  private final Retention retention;
  private final Schedules schedules;

  /** Where every hub's dispatcher reports, hubs created later included. */
  private volatile EngineMetrics metrics = EngineMetrics.NONE;

  private volatile Tracing tracing = Tracing.NONE;
  private final StepPlanner planner;

  /** A scheduler that is the only one on its store. */
  public Engine(ServerConfig config, Store store, Timers timers) {
    this(config, store, timers, Membership.alone());
  }

  /**
   * A scheduler that takes part in its store as {@code membership} says: alone, owning all of its
   * work, or as one node among several, claiming its share.
   */
  public Engine(ServerConfig config, Store store, Timers timers, Membership membership) {
    this.store = store;
    this.clock = timers.clock();
    this.timers = timers;
    this.settings = EngineSettings.from(config);
    this.payloadLimit = new PayloadLimit(config.maxPayloadBytes());
    this.membership = membership;
    this.planner = new StepPlanner(payloadLimit);
    this.allowHubManagement = config.allowHubManagement();
    this.hubs =
        new TaskHubs(
            config.taskHubs(),
            store,
            clock,
            hub -> {
              Dispatcher dispatcher =
                  new Dispatcher(
                      hub, store, timers, executor, planner, settings, waiters, membership);
              dispatcher.reportTo(metrics);
              dispatcher.traceTo(tracing);
              return dispatcher;
            });
    this.entities = new Entities(store, timers, payloadLimit, this::dispatcher);
    this.retention = new Retention(store, clock, config.retention(), this::hubs, executor);
    this.schedules = new Schedules(store, timers, executor, hubs, new ScheduleEffects());
  }

  /**
   * Starts lease expiry and health pings, and takes up the stored work: a node alone rebuilds its
   * queues from the store; a node among several joins them and claims its share.
   */
  public void start() {
    membership.start(new Link());
    timers.every(
        LEASE_CHECK_MILLIS, () -> hubs.dispatchers().forEach(d -> d.expireLeases(clock.millis())));
    timers.every(
        HEALTH_PING_MILLIS,
        () -> hubs.dispatchers().forEach(d -> d.pingIdleStreams(HEALTH_PING_MILLIS)));
    retention.start(timers);
    schedules.start();
  }

  /** What a schedule's fire does beyond the store: wake the run, end the previous one. */
  private final class ScheduleEffects implements ScheduleFiring.Effects {
    @Override
    public void started(NewInstance run) {
      waiters.changed(run.key());
      dispatcher(run.key().hub()).wake(run.key(), new WorkName(run.name(), run.version()));
    }

    @Override
    public void terminate(String hub, String instanceId, String reason) {
      try {
        Engine.this.terminate(hub, instanceId, StringValue.of(reason), false);
      } catch (TaskhubException.NotFound e) {
        // purged meanwhile: nothing left to end
      }
    }

    @Override
    public void fired(String hub, long lagMillis) {
      metrics.scheduleFired(hub, lagMillis);
    }
  }

  /** The id of this node among several sharing the store, or empty when it is alone. */
  public Optional<String> nodeId() {
    return membership.nodeId();
  }

  /** What the membership may ask of this engine. */
  private final class Link implements Membership.EngineLink {
    @Override
    public void recoverStoredWork() {
      recoverPendingWork();
    }

    @Override
    public void completeOrchestration(String hub, OrchestratorResponse response) {
      Engine.this.completeOrchestration(hub, response);
    }

    @Override
    public void completeActivity(String hub, ActivityResponse response) {
      Engine.this.completeActivity(hub, response);
    }

    @Override
    public void completeEntity(String hub, EntityBatchResult result) {
      Engine.this.completeEntity(hub, result);
    }

    @Override
    public void publishChangesTo(Consumer<InstanceKey> publisher) {
      waiters.publishTo(publisher);
    }

    @Override
    public void changedElsewhere(InstanceKey key) {
      waiters.changedElsewhere(key);
    }

    @Override
    public void wakeAllWaiters() {
      waiters.wakeAll();
    }
  }

  private void recoverPendingWork() {
    PendingWork pending = store.scanPendingWork();
    long now = clock.millis();
    int ready = 0;
    for (PendingWork.PendingInstance instance : pending.instances()) {
      Dispatcher dispatcher = hubs.get(instance.key().hub());
      if (dispatcher == null) {
        continue;
      }
      if (instance.name() != null) {
        dispatcher.know(instance.key(), instance.name());
      }
      if (instance.visibleAt() <= now) {
        dispatcher.wake(instance.key());
        ready++;
      } else {
        wakeAt(instance.key(), instance.visibleAt());
      }
    }
    pending.activities().stream()
        .filter(task -> hubs.get(task.key().hub()) != null)
        .forEach(task -> hubs.get(task.key().hub()).activitiesScheduled(List.of(task)));
    log.info(
        "Recovered {} ready instances, {} waiting on timers, {} open activities",
        ready,
        pending.instances().size() - ready,
        pending.activities().size());
  }

  public PayloadLimit payloadLimit() {
    return payloadLimit;
  }

  // ---------------------------------------------------------------- client operations

  /** Creates an instance; it runs as soon as a worker is free (or at its scheduled start). */
  public String startInstance(String hub, CreateInstanceRequest request) {
    if (EntityId.isEntityId(request.getInstanceId())) {
      throw new TaskhubException.InvalidArgument(
          "Instance ids starting with '@' name durable entities; '"
              + request.getInstanceId()
              + "' cannot be an orchestration's id");
    }
    String instanceId =
        request.getInstanceId().isEmpty() ? Starts.newInstanceId() : request.getInstanceId();
    InstanceKey key = new InstanceKey(hub, instanceId);
    long now = clock.millis();
    long startAt =
        request.hasScheduledStartTimestamp()
            ? Math.max(now, Events.millis(request.getScheduledStartTimestamp()))
            : now;
    NewInstance instance =
        Starts.of(
            key,
            request.getName(),
            request.hasVersion() ? request.getVersion() : null,
            request.hasInput() ? request.getInput() : null,
            request.getTagsMap(),
            now,
            startAt,
            request.hasParentTraceContext() ? request.getParentTraceContext() : null);
    store.createInstance(instance, replaceableStatuses(request));
    waiters.changed(key);
    WorkName name = new WorkName(instance.name(), instance.version());
    if (startAt <= now) {
      dispatcher(hub).wake(key, name);
    } else {
      dispatcher(hub).know(key, name);
      wakeAt(key, startAt);
    }
    return instanceId;
  }

  /**
   * Statuses in which an existing instance is replaced by a new start: the request's reuse policy,
   * or by default any terminal status. A continued-as-new instance is never replaced.
   */
  private static Set<OrchestrationStatus> replaceableStatuses(CreateInstanceRequest request) {
    if (!request.hasOrchestrationIdReusePolicy()) {
      return Statuses.TERMINAL;
    }
    Set<OrchestrationStatus> statuses = EnumSet.noneOf(OrchestrationStatus.class);
    for (OrchestrationStatus status :
        request.getOrchestrationIdReusePolicy().getReplaceableStatusList()) {
      if (status != OrchestrationStatus.UNRECOGNIZED
          && status != OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW) {
        statuses.add(status);
      }
    }
    return statuses;
  }

  /**
   * Starts an ended instance again from its original name, version and input, under the same id
   * (replacing it) or a new one.
   *
   * @return the id of the new run
   * @throws TaskhubException.NotFound if there is no such instance
   * @throws TaskhubException.FailedPrecondition if it has not ended
   */
  public String restart(String hub, String instanceId, boolean withNewInstanceId) {
    InstanceRecord instance = existing(hub, instanceId);
    if (!instance.isTerminal()) {
      throw new TaskhubException.FailedPrecondition(
          "Cannot restart instance '"
              + instanceId
              + "': it is "
              + instance.status().name().replace("ORCHESTRATION_STATUS_", "")
              + "; only ended instances can be restarted");
    }
    CreateInstanceRequest.Builder request =
        CreateInstanceRequest.newBuilder()
            .setInstanceId(withNewInstanceId ? "" : instanceId)
            .setName(instance.name())
            .putAllTags(instance.tags());
    if (instance.version() != null) {
      request.setVersion(StringValue.of(instance.version()));
    }
    if (instance.input() != null) {
      request.setInput(StringValue.of(instance.input()));
    }
    return startInstance(hub, request.build());
  }

  /**
   * Rewinds a failed instance: its failed activities run again and its failed sub-orchestrations
   * are rewound too; work that succeeded is not repeated. Returns once the instance's own history
   * is rewritten (it is RUNNING then); its children are rewound right after.
   *
   * @throws TaskhubException.NotFound if there is no such instance
   * @throws TaskhubException.FailedPrecondition if it is not FAILED
   */
  public void rewind(String hub, String instanceId) {
    InstanceRecord instance = existing(hub, instanceId);
    if (instance.status() != OrchestrationStatus.ORCHESTRATION_STATUS_FAILED) {
      throw new TaskhubException.FailedPrecondition(
          "Cannot rewind instance '"
              + instanceId
              + "': it is "
              + instance.status().name().replace("ORCHESTRATION_STATUS_", "")
              + "; only failed instances can be rewound");
    }
    // Wait for the rewrite, so that callers see the instance RUNNING when this returns.
    try {
      rewind(instance.key(), null).get(settings.maxWaitMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskhubException.Cancelled("Interrupted while rewinding '" + instanceId + "'");
    } catch (ExecutionException | TimeoutException e) {
      throw new TaskhubException(
          "Rewinding '" + instanceId + "' did not finish: " + e.getMessage(), e);
    }
  }

  private CompletableFuture<Void> rewind(InstanceKey key, String parentExecutionId) {
    return dispatcher(key.hub())
        .runServerStep(
            key,
            new Rewind(
                parentExecutionId,
                store::findInstance,
                child -> rewind(child.key(), child.parentExecutionId())));
  }

  public Optional<InstanceRecord> getInstance(String hub, String instanceId) {
    return store.findInstance(new InstanceKey(hub, instanceId));
  }

  public List<HistoryEvent> history(String hub, String instanceId) {
    return store.loadHistory(new InstanceKey(hub, instanceId));
  }

  /**
   * Blocks until the instance is in a status {@code awaited} accepts or does not exist, woken by
   * state changes (only by those that may end the wait).
   *
   * @throws TaskhubException.DeadlineExceeded at {@code deadlineMillis} (capped at the max wait)
   * @throws TaskhubException.Cancelled when {@code cancelled} turns true (call {@link
   *     #wakeWaiters})
   */
  public Optional<InstanceRecord> waitFor(
      String hub,
      String instanceId,
      Predicate<OrchestrationStatus> awaited,
      long deadlineMillis,
      BooleanSupplier cancelled) {
    InstanceKey key = new InstanceKey(hub, instanceId);
    long deadline = Math.min(deadlineMillis, clock.millis() + settings.maxWaitMillis());
    while (true) {
      CompletableFuture<Void> change = waiters.nextChange(key, awaited);
      Optional<InstanceRecord> instance = store.findInstance(key);
      if (instance.isEmpty() || awaited.test(instance.get().status())) {
        waiters.forget(key, change);
        return instance;
      }
      if (cancelled.getAsBoolean()) {
        waiters.forget(key, change);
        throw new TaskhubException.Cancelled(
            "The caller cancelled the wait for '" + instanceId + "'");
      }
      long remaining = deadline - clock.millis();
      if (remaining <= 0) {
        waiters.forget(key, change);
        throw new TaskhubException.DeadlineExceeded(
            "Instance '"
                + instanceId
                + "' did not reach the awaited state in time; it is "
                + instance.get().status().name().replace("ORCHESTRATION_STATUS_", ""));
      }
      try {
        change.get(remaining, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        waiters.forget(key, change);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TaskhubException.Cancelled("Interrupted while waiting for '" + instanceId + "'");
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Calls {@code listener} after every committed change of an instance (created, stepped, purged,
   * an activity of it completed). It runs on the thread that made the change, so it must return
   * quickly.
   */
  public void subscribe(Consumer<InstanceKey> listener) {
    waiters.subscribe(listener);
  }

  public void unsubscribe(Consumer<InstanceKey> listener) {
    waiters.unsubscribe(listener);
  }

  /** Wakes anyone in {@link #waitFor} on the instance so that they re-check (e.g. cancellation). */
  public void wakeWaiters(String hub, String instanceId) {
    waiters.changed(new InstanceKey(hub, instanceId));
  }

  /** One page of a hub's instances matching {@code filter}; see {@link Store#queryInstances}. */
  public InstancePage query(InstanceFilter filter, InstancePageRequest page) {
    return store.queryInstances(filter, page);
  }

  /** The ids of one page of a hub's instances; see {@link Store#queryInstanceIds}. */
  public InstanceIdPage queryIds(InstanceFilter filter, InstancePageRequest page) {
    return store.queryInstanceIds(filter, page);
  }

  /**
   * Deletes an ended instance and its history (with {@code recursive}, its ended sub-orchestrations
   * too).
   *
   * @return how many instances were deleted
   * @throws TaskhubException.FailedPrecondition if it has not ended
   */
  public int purge(String hub, String instanceId, boolean recursive) {
    if (EntityId.isEntityId(instanceId)) {
      return 0; // no orchestration has such an id; entities go with CleanEntityStorage
    }
    InstanceKey key = new InstanceKey(hub, instanceId);
    int purged = store.purgeInstance(key, recursive);
    waiters.changed(key);
    return purged;
  }

  /** Deletes one ended instance; true if it existed. */
  public boolean purge(String hub, String instanceId) {
    return purge(hub, instanceId, false) > 0;
  }

  /** Deletes the ended instances created in the range with one of the statuses (any if empty). */
  public int purge(
      String hub, long createdFrom, long createdTo, Set<OrchestrationStatus> statuses) {
    return purge(hub, new TimeRange(createdFrom, createdTo), statuses, false, null).deleted();
  }

  /**
   * Deletes the ended instances created in {@code created} with one of the statuses (any if empty),
   * with {@code recursive} their ended sub-orchestrations too; see {@link Store#purgeInstances}.
   *
   * @param timeout how long it may go on starting new batches; null for as long as it takes
   */
  public PurgeResult purge(
      String hub,
      TimeRange created,
      Set<OrchestrationStatus> statuses,
      boolean recursive,
      Duration timeout) {
    long deadline = timeout == null ? Long.MAX_VALUE : clock.millis() + timeout.toMillis();
    return store.purgeInstances(hub, created, statuses, recursive, () -> clock.millis() < deadline);
  }

  public void raiseEvent(String hub, String instanceId, String name, StringValue input) {
    deliver(hub, instanceId, Events.eventRaised(name, input, clock.millis()), "raise an event for");
  }

  /** Terminating an instance that already ended does nothing. */
  public void terminate(String hub, String instanceId, StringValue output, boolean recursive) {
    InstanceRecord instance = existing(hub, instanceId);
    if (instance.isTerminal()) {
      return;
    }
    deliver(
        hub,
        instanceId,
        Events.executionTerminated(output, recursive, clock.millis()),
        "terminate");
    Dispatcher dispatcher = dispatcher(hub);
    boolean workerCanDoIt =
        dispatcher.connectedStreams() > 0
            && instance.status() != OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED
            && instance.status() != OrchestrationStatus.ORCHESTRATION_STATUS_PENDING;
    if (!workerCanDoIt) {
      // Workers buffer events while suspended, and nobody runs an instance that never started.
      dispatcher.terminateServerSide(instance.key());
    }
  }

  /**
   * Terminates the instance on the server, never offering its termination to a worker: the {@code
   * SkipGracefulOrchestrationTerminations} of the protocol. It takes effect once no episode of the
   * instance is in flight; this returns without waiting for that.
   *
   * @return false if there is no such instance, or it has already ended
   */
  public boolean terminateOnServer(String hub, String instanceId, StringValue reason) {
    Optional<InstanceRecord> instance = store.findInstance(new InstanceKey(hub, instanceId));
    if (instance.isEmpty() || instance.get().isTerminal()) {
      return false;
    }
    InstanceKey key = instance.get().key();
    HistoryEvent terminated = Events.executionTerminated(reason, false, clock.millis());
    // No wake-up: a woken instance could be dispatched to a worker before the server step runs.
    store.enqueueEvent(key, null, terminated, Events.millis(terminated.getTimestamp()));
    dispatcher(hub).terminateServerSide(key);
    return true;
  }

  public void suspend(String hub, String instanceId, StringValue reason) {
    deliver(hub, instanceId, Events.executionSuspended(reason, clock.millis()), "suspend");
  }

  public void resume(String hub, String instanceId, StringValue reason) {
    deliver(hub, instanceId, Events.executionResumed(reason, clock.millis()), "resume");
  }

  private void deliver(String hub, String instanceId, HistoryEvent event, String operation) {
    InstanceRecord instance = existing(hub, instanceId);
    if (instance.isTerminal()) {
      throw new TaskhubException.FailedPrecondition(
          "Cannot "
              + operation
              + " instance '"
              + instanceId
              + "': it is "
              + instance.status().name().replace("ORCHESTRATION_STATUS_", ""));
    }
    InstanceKey key = instance.key();
    store.enqueueEvent(key, null, event, Events.millis(event.getTimestamp()));
    dispatcher(hub).wake(key);
  }

  private InstanceRecord existing(String hub, String instanceId) {
    return store
        .findInstance(new InstanceKey(hub, instanceId))
        .orElseThrow(
            () ->
                new TaskhubException.NotFound(
                    "No instance with ID '" + instanceId + "' was found"));
  }

  // ---------------------------------------------------------------- worker operations

  /** Registers a stream of a worker that does not keep orchestrations warm. */
  public WorkerStream connect(
      String hub, GetWorkItemsRequest request, WorkItemSink sink, String userAgent) {
    return connect(hub, request, sink, userAgent, false);
  }

  /**
   * Registers a {@code GetWorkItems} stream with the credit its request asks for.
   *
   * @param userAgent the client's gRPC user agent, used to tell whether it understands HealthPing
   * @param keepsRunsWarm whether the worker said it keeps orchestrations warm (the Taskhub SDK's
   *     {@code taskhub-warm-runs} header), so that episodes may carry only the history it has not
   *     seen
   */
  public WorkerStream connect(
      String hub,
      GetWorkItemsRequest request,
      WorkItemSink sink,
      String userAgent,
      boolean keepsRunsWarm) {
    int fallback = settings.defaultStreamConcurrency();
    int orchestrations = request.getMaxConcurrentOrchestrationWorkItems();
    int activities = request.getMaxConcurrentActivityWorkItems();
    int entities = entityCapacity(request, userAgent, fallback);
    // A stream that states no limits is served one item at a time: the Java SDK 1.5.0 works
    // through its stream sequentially, and items queued behind a long one would age on their lease.
    int total =
        orchestrations <= 0 && activities <= 0
            ? fallback
            : Math.max(orchestrations, 0) + Math.max(activities, 0);
    WorkerStream stream =
        new WorkerStream(
            streamIds.incrementAndGet(),
            hub,
            sink,
            clock,
            orchestrations > 0 ? orchestrations : fallback,
            activities > 0 ? activities : fallback,
            entities,
            Math.max(total + Math.max(request.getMaxConcurrentEntityWorkItems(), 0), 1),
            WorkFilter.of(request),
            understandsHealthPings(request, userAgent));
    stream.keepsRunsWarm = keepsRunsWarm;
    dispatcher(hub).addStream(stream);
    return stream;
  }

  /**
   * Workers that state their limits are newer than the Java SDK 1.5.0, which logs a warning per
   * ping; the JavaScript SDKs ignore pings whatever they send.
   */
  private static boolean understandsHealthPings(GetWorkItemsRequest request, String userAgent) {
    boolean statesLimits =
        request.getMaxConcurrentOrchestrationWorkItems() > 0
            || request.getMaxConcurrentActivityWorkItems() > 0;
    return statesLimits || (userAgent != null && userAgent.contains("durabletask-js"));
  }

  /**
   * How many entity batches a stream may hold: what it asks for, else the default for a worker
   * known to run entities (one whose filters name entities, or a JavaScript SDK's), else none — the
   * Java SDK 1.5.0 drops entity work items it does not understand.
   */
  private static int entityCapacity(GetWorkItemsRequest request, String userAgent, int fallback) {
    if (request.getMaxConcurrentEntityWorkItems() > 0) {
      return request.getMaxConcurrentEntityWorkItems();
    }
    boolean namesEntities = request.getWorkItemFilters().getEntitiesCount() > 0;
    boolean javaScript = userAgent != null && userAgent.contains("durabletask-js");
    return namesEntities || javaScript ? fallback : 0;
  }

  public void disconnect(WorkerStream stream) {
    dispatcher(stream.hub).removeStream(stream);
  }

  public void streamReady(WorkerStream stream) {
    dispatcher(stream.hub).dispatch();
  }

  /**
   * Applies a worker's answer to the episode it was sent.
   *
   * @throws TaskhubException.NotFound if there is no such instance
   * @throws TaskhubException.LeaseLost if no episode of it is out for this answer (answered
   *     already, or its lease expired and it was given back)
   */
  public void completeOrchestration(String hub, OrchestratorResponse response) {
    dispatcher(hub).completeOrchestration(response.getCompletionToken(), response);
  }

  /**
   * Records an activity's outcome; an oversize result fails the task instead of being stored. A
   * repeated or late result changes nothing.
   */
  public void completeActivity(String hub, ActivityResponse response) {
    long now = clock.millis();
    HistoryEvent result;
    String oversize =
        response.hasResult() ? payloadLimit.check("activity result", response.getResult()) : null;
    if (oversize != null) {
      result =
          Events.taskFailed(response.getTaskId(), Events.failure("PayloadTooLarge", oversize), now);
    } else if (response.hasFailureDetails()) {
      result = Events.taskFailed(response.getTaskId(), response.getFailureDetails(), now);
    } else {
      result =
          Events.taskCompleted(
              response.getTaskId(), response.hasResult() ? response.getResult() : null, now);
    }
    dispatcher(hub).completeActivity(response.getCompletionToken(), response, result);
  }

  /**
   * Applies a worker's answer to the entity batch its token names.
   *
   * @throws TaskhubException.LeaseLost if no batch is out for the token (answered already, or its
   *     lease expired and it was given back)
   */
  public void completeEntity(String hub, EntityBatchResult result) {
    dispatcher(hub).completeEntity(result);
  }

  public void abandonEntity(String hub, String completionToken) {
    dispatcher(hub).abandon(completionToken, Lease.Kind.ENTITY);
  }

  /** Recurring schedules per hub, and the loop that fires them. */
  public Schedules schedules() {
    return schedules;
  }

  /** Retention policies per hub, and the purger that applies them. */
  public Retention retention() {
    return retention;
  }

  /** Client operations on durable entities. */
  public Entities entities() {
    return entities;
  }

  public void abandonOrchestration(String hub, String completionToken) {
    dispatcher(hub).abandon(completionToken, Lease.Kind.ORCHESTRATION);
  }

  public void abandonActivity(String hub, String completionToken) {
    dispatcher(hub).abandon(completionToken, Lease.Kind.ACTIVITY);
  }

  /** True when a read from the store succeeds now. */
  public boolean storeReachable() {
    try {
      store.findInstance(new InstanceKey(hubs.names().get(0), ""));
      return true;
    } catch (TaskhubException e) {
      return false;
    }
  }

  public int connectedWorkers() {
    return hubs.dispatchers().stream().mapToInt(Dispatcher::connectedStreams).sum();
  }

  private Dispatcher dispatcher(String hub) {
    return hubs.require(hub);
  }

  /** Wakes the instance at {@code epochMillis}, unless its hub was deleted by then. */
  private void wakeAt(InstanceKey key, long epochMillis) {
    timers.at(
        epochMillis,
        () -> {
          Dispatcher dispatcher = hubs.get(key.hub());
          if (dispatcher != null) {
            dispatcher.wake(key);
          }
        });
  }

  // ---------------------------------------------------------------- task hubs

  /** The task hubs served: those named at start in their order, then those created, by name. */
  public List<String> hubs() {
    return hubs.names();
  }

  /** The served task hub of this name, case ignored; empty if there is none. */
  public Optional<String> findHub(String name) {
    return hubs.find(name);
  }

  /**
   * Creates a task hub ({@code CreateTaskHub}); kept in the store, served by every node.
   *
   * @throws TaskhubException.Unimplemented if the server was not started to allow it
   * @throws TaskhubException.AlreadyExists if it exists and is not to be recreated
   */
  public void createHub(String hub, boolean recreateIfExists) {
    requireHubManagement("CreateTaskHub");
    hubs.create(hub, recreateIfExists);
    log.info("Task hub {} {}", hub, recreateIfExists ? "created (or recreated empty)" : "created");
  }

  /**
   * Deletes a task hub and all of its data ({@code DeleteTaskHub}).
   *
   * @throws TaskhubException.Unimplemented if the server was not started to allow it
   * @throws TaskhubException.NotFound if there is no such hub
   */
  public void deleteHub(String hub) {
    requireHubManagement("DeleteTaskHub");
    int instances = hubs.delete(hub);
    waiters.wakeAll(); // callers waiting on its instances find them gone
    log.info("Task hub {} deleted with its {} instances", hub, instances);
  }

  private void requireHubManagement(String operation) {
    if (!allowHubManagement) {
      throw new TaskhubException.Unimplemented(
          operation + " is off: start the scheduler with --allow-hub-management to allow it");
    }
  }

  /**
   * Ends all worker streams (so SDKs back off and reconnect), hands this node's work back, and
   * stops. The timers belong to the caller, who closes them.
   */
  @Override
  public void close() {
    hubs.dispatchers()
        .forEach(dispatcher -> dispatcher.closeStreams(WorkItemSink.StreamEnd.SCHEDULER_STOPPING));
    membership.close();
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- management views

  /** Sends dispatch and completion reports of every task hub to {@code metrics}. */
  public void reportTo(EngineMetrics metrics) {
    this.metrics = metrics;
    retention.metrics = metrics;
    store.reportCommitsTo(
        metrics == EngineMetrics.NONE ? CommitListener.NONE : metrics::storeCommitted);
    hubs.dispatchers().forEach(dispatcher -> dispatcher.reportTo(metrics));
  }

  /**
   * Sends the ends of spans of every task hub to {@code tracing}: call before {@link #start()}, so
   * that every activity scheduled is scheduled under a trace context.
   */
  public void traceTo(Tracing tracing) {
    this.tracing = tracing;
    planner.tracing = tracing;
    hubs.dispatchers().forEach(dispatcher -> dispatcher.traceTo(tracing));
  }

  /** Instances matching {@code filter} by status; statuses with none are absent. */
  public Map<OrchestrationStatus, Long> countByStatus(InstanceFilter filter) {
    return store.countInstancesByStatus(filter);
  }

  /**
   * How long the longest-waiting ready item of each kind has waited in the hub, in ms; kinds with
   * nothing ready are absent.
   */
  public Map<String, Long> backlogAge(String hub) {
    long now = clock.millis();
    Map<String, Long> ages = new java.util.TreeMap<>();
    dispatcher(hub)
        .oldestReady()
        .forEach((kind, since) -> ages.put(kind, Math.max(0, now - since)));
    return ages;
  }

  /** What waits for a worker in {@code hub} on this node, per kind and name. */
  public List<WaitingWork> waitingWork(String hub) {
    return dispatcher(hub).waiting();
  }

  /** Instances of the hub waiting for a worker to take their next episode. */
  public int readyInstanceCount(String hub) {
    return dispatcher(hub).readyInstanceCount();
  }

  /** Activities of the hub waiting for a worker. */
  public int readyActivityCount(String hub) {
    return dispatcher(hub).readyActivityCount();
  }
}
