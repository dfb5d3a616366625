package dev.taskhub.sdk.worker;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.AbandonActivityTaskRequest;
import dev.taskhub.protocol.AbandonEntityTaskRequest;
import dev.taskhub.protocol.AbandonOrchestrationTaskRequest;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.TraceContexts;
import dev.taskhub.sdk.entity.EntityExecutor;
import dev.taskhub.sdk.orchestration.OrchestrationExecutor;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes work items, each on a virtual thread: activities, orchestrator episodes and entity
 * batches, each kind up to its own limit (the scheduler also honours them, as the stream's credit).
 * Answers each with its completion token.
 *
 * <p>Stopping is two steps: {@link #stopAccepting()} makes items that arrive from then on wait
 * unstarted; {@link #awaitIdle} waits for the started ones. The worker then closes the stream
 * (which gives back what it holds), {@link #abandonUnfinished() abandons} explicitly whatever did
 * not finish (for endpoints that only give back on request) and {@link #shutdownNow() interrupts}
 * the rest, whose late answers are then dropped.
 */
final class WorkItemProcessor {
  private static final Logger log = LoggerFactory.getLogger(WorkItemProcessor.class);
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);

  private enum Kind {
    ACTIVITY,
    ORCHESTRATION,
    ENTITY
  }

  /** How many items of each kind run at once. */
  record Limits(int activities, int orchestrations, int entities) {}

  private final TaskHubSidecarServiceBlockingStub stub;
  private final OrchestrationExecutor executor;
  private final Map<String, Activity> activities;
  private final DataConverter converter;
  private final Versioning versioning;
  private final Semaphore activitySlots;
  private final Semaphore orchestrationSlots;
  private final EntityExecutor entityExecutor;
  private final Semaphore entitySlots;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Kind> unfinished = new ConcurrentHashMap<>();
  private final List<WorkItem> held = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private final LongAdder activitiesCompleted = new LongAdder();
  private int running;
  private volatile boolean accepting = true;
  private volatile boolean answering = true;

  WorkItemProcessor(
      TaskHubSidecarServiceBlockingStub stub,
      OrchestrationExecutor executor,
      Map<String, Activity> activities,
      EntityExecutor entityExecutor,
      DataConverter converter,
      Limits limits,
      Versioning versioning) {
    this.stub = stub;
    this.versioning = versioning;
    this.executor = executor;
    this.activities = Map.copyOf(activities);
    this.converter = converter;
    this.entityExecutor = entityExecutor;
    this.activitySlots = new Semaphore(limits.activities());
    this.orchestrationSlots = new Semaphore(limits.orchestrations());
    this.entitySlots = new Semaphore(limits.entities());
  }

  long activitiesCompleted() {
    return activitiesCompleted.sum();
  }

  /** Takes one item from the stream; never blocks. */
  void accept(WorkItem item) {
    Kind kind = kindOf(item);
    if (kind == null) {
      return;
    }
    lock.lock();
    try {
      if (!accepting) {
        held.add(item);
        return;
      }
      running++;
      unfinished.put(item.getCompletionToken(), kind);
    } finally {
      lock.unlock();
    }
    threads.execute(
        () -> {
          try {
            switch (kind) {
              case ACTIVITY -> runActivity(item.getActivityRequest(), item.getCompletionToken());
              case ORCHESTRATION ->
                  runEpisode(item.getOrchestratorRequest(), item.getCompletionToken());
              case ENTITY -> runEntityBatch(item);
            }
          } finally {
            finished();
          }
        });
  }

  private static Kind kindOf(WorkItem item) {
    return switch (item.getRequestCase()) {
      case ACTIVITYREQUEST -> Kind.ACTIVITY;
      case ORCHESTRATORREQUEST -> Kind.ORCHESTRATION;
      case ENTITYREQUEST, ENTITYREQUESTV2 -> Kind.ENTITY;
      case HEALTHPING -> null;
      case REQUEST_NOT_SET -> {
        log.warn("Ignoring a work item without a request");
        yield null;
      }
    };
  }

  private void finished() {
    lock.lock();
    try {
      running--;
      if (running == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void runActivity(ActivityRequest request, String token) {
    if (!acquire(activitySlots)) {
      return;
    }
    ActivityResponse.Builder response =
        ActivityResponse.newBuilder()
            .setInstanceId(request.getOrchestrationInstance().getInstanceId())
            .setTaskId(request.getTaskId())
            .setCompletionToken(token);
    try {
      Activity activity = activities.get(request.getName());
      if (activity == null) {
        response.setFailureDetails(
            new FailureDetails(
                    "ActivityNotRegistered",
                    "No activity named '" + request.getName() + "' is registered with this worker",
                    null,
                    null,
                    false)
                .toProto());
      } else {
        // The scheduler names the activity's span: the application's spans become its children.
        TraceContexts.Entered traced = TraceContexts.enter(request.getParentTraceContext());
        try {
          Object result = activity.run(new RequestContext(request, converter));
          if (result != null) {
            response.setResult(StringValue.of(converter.serialize(result)));
          }
        } finally {
          traced.close();
        }
      }
    } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
      response.setFailureDetails(FailureDetails.of(e).toProto());
    } finally {
      activitySlots.release();
    }
    if (answer(token)) {
      try {
        stub.withDeadlineAfter(RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .completeActivityTask(response.build());
        activitiesCompleted.increment();
      } catch (StatusRuntimeException e) {
        log.warn(
            "Could not complete activity '{}' (task {} of '{}'): {}",
            request.getName(),
            request.getTaskId(),
            response.getInstanceId(),
            e.getStatus());
      }
    }
  }

  private void runEpisode(OrchestratorRequest request, String token) {
    if (!acquire(orchestrationSlots)) {
      return;
    }
    OrchestratorResponse response;
    long startedAt = System.nanoTime();
    try {
      String version = instanceVersion(request);
      if (versioning != null && !versioning.accepts(version)) {
        if (versioning.onMismatch() == Versioning.OnMismatch.REJECT) {
          log.debug(
              "Rejecting the episode of '{}': version '{}' does not match {}",
              request.getInstanceId(),
              version,
              versioning);
          abandon(token, Kind.ORCHESTRATION);
          return;
        }
        response = versionMismatch(request, version).toBuilder().setCompletionToken(token).build();
      } else {
        response = executor.execute(request).toBuilder().setCompletionToken(token).build();
      }
      if (log.isDebugEnabled()) {
        log.debug(
            "Episode of '{}': {} past and {} new events, {} actions, {} µs",
            request.getInstanceId(),
            request.getPastEventsCount(),
            request.getNewEventsCount(),
            response.getActionsCount(),
            (System.nanoTime() - startedAt) / 1000);
      }
    } catch (RuntimeException e) {
      log.error(
          "Could not execute the episode of '{}'; giving it back", request.getInstanceId(), e);
      abandon(token, Kind.ORCHESTRATION);
      return;
    } finally {
      orchestrationSlots.release();
    }
    if (answer(token)) {
      try {
        stub.withDeadlineAfter(RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .completeOrchestratorTask(response);
      } catch (StatusRuntimeException e) {
        log.warn(
            "Could not complete the episode of '{}': {}", request.getInstanceId(), e.getStatus());
      }
    }
  }

  /**
   * Runs one entity batch. While the worker stops, the batch ends after the operation that runs
   * (the rest stay queued at the scheduler); one stopped before its first operation is given back.
   */
  private void runEntityBatch(WorkItem item) {
    String token = item.getCompletionToken();
    if (!acquire(entitySlots)) {
      return;
    }
    String instanceId =
        item.hasEntityRequestV2()
            ? item.getEntityRequestV2().getInstanceId()
            : item.getEntityRequest().getInstanceId();
    int operations =
        item.hasEntityRequestV2()
            ? item.getEntityRequestV2().getOperationRequestsCount()
            : item.getEntityRequest().getOperationsCount();
    EntityBatchResult result;
    try {
      BooleanSupplier keepGoing = () -> accepting && !Thread.currentThread().isInterrupted();
      result =
          item.hasEntityRequestV2()
              ? entityExecutor.execute(item.getEntityRequestV2(), keepGoing)
              : entityExecutor.execute(item.getEntityRequest(), keepGoing);
    } catch (RuntimeException e) {
      log.error("Could not execute the batch of entity '{}'; giving it back", instanceId, e);
      abandon(token, Kind.ENTITY);
      return;
    } finally {
      entitySlots.release();
    }
    if (operations > 0 && result.getResultsCount() == 0 && !result.hasFailureDetails()) {
      abandon(token, Kind.ENTITY);
      return;
    }
    if (answer(token)) {
      try {
        stub.withDeadlineAfter(RPC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .completeEntityTask(result.toBuilder().setCompletionToken(token).build());
      } catch (StatusRuntimeException e) {
        log.warn("Could not complete the batch of entity '{}': {}", instanceId, e.getStatus());
      }
    }
  }

  /** The version in the generation's {@code ExecutionStarted}, or null. */
  private static String instanceVersion(OrchestratorRequest request) {
    for (var events : List.of(request.getPastEventsList(), request.getNewEventsList())) {
      for (var event : events) {
        if (event.hasExecutionStarted()) {
          return event.getExecutionStarted().hasVersion()
              ? event.getExecutionStarted().getVersion().getValue()
              : null;
        }
      }
    }
    return null;
  }

  /** Fails the orchestration: its version is one this worker must not run. */
  private OrchestratorResponse versionMismatch(OrchestratorRequest request, String version) {
    return OrchestratorResponse.newBuilder()
        .setInstanceId(request.getInstanceId())
        .addActions(
            OrchestratorAction.newBuilder()
                .setId(0)
                .setCompleteOrchestration(
                    CompleteOrchestrationAction.newBuilder()
                        .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
                        .setFailureDetails(
                            new FailureDetails(
                                    "VersionMismatch",
                                    "The orchestration's version '"
                                        + (version == null ? "" : version)
                                        + "' does not match this worker's "
                                        + versioning.match()
                                        + " version '"
                                        + versioning.version()
                                        + "'",
                                    null,
                                    null,
                                    false)
                                .toProto())))
        .build();
  }

  private static boolean acquire(Semaphore slots) {
    try {
      slots.acquire();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the item's answer should still be sent (not once the worker gave it back). */
  private boolean answer(String token) {
    return unfinished.remove(token) != null && answering;
  }

  // ---------------------------------------------------------------- stopping

  void stopAccepting() {
    lock.lock();
    try {
      accepting = false;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no started item runs; false if {@code timeout} passed first. */
  boolean awaitIdle(Duration timeout) {
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (running > 0) {
        if (remaining <= 0) {
          return false;
        }
        remaining = idle.awaitNanos(remaining);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back, best effort, every item that was held or did not finish. */
  void abandonUnfinished() {
    answering = false;
    Map<String, Kind> toAbandon = new ConcurrentHashMap<>(unfinished);
    lock.lock();
    try {
      for (WorkItem item : held) {
        toAbandon.put(item.getCompletionToken(), kindOf(item));
      }
      held.clear();
    } finally {
      lock.unlock();
    }
    toAbandon.forEach(this::abandon);
  }

  private void abandon(String token, Kind kind) {
    unfinished.remove(token);
    try {
      var timed = stub.withDeadlineAfter(5, TimeUnit.SECONDS);
      switch (kind) {
        case ACTIVITY ->
            timed.abandonTaskActivityWorkItem(
                AbandonActivityTaskRequest.newBuilder().setCompletionToken(token).build());
        case ORCHESTRATION ->
            timed.abandonTaskOrchestratorWorkItem(
                AbandonOrchestrationTaskRequest.newBuilder().setCompletionToken(token).build());
        case ENTITY ->
            timed.abandonTaskEntityWorkItem(
                AbandonEntityTaskRequest.newBuilder().setCompletionToken(token).build());
      }
    } catch (StatusRuntimeException e) {
      // Usually NOT_FOUND after a stop: closing the stream already gave the item back.
      log.debug("Abandon of a {} work item: {}", kind, e.getStatus());
    }
  }

  /** Interrupts whatever still runs and unwinds warm orchestration runs. */
  void shutdownNow() {
    answering = false;
    threads.shutdownNow();
    executor.close();
  }
}
