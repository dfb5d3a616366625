package dev.taskhub.sdk.orchestration;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.CreateSubOrchestrationAction;
import dev.taskhub.protocol.CreateTimerAction;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.SendEventAction;
import dev.taskhub.sdk.DataConverter;
import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.entity.EntityInstanceId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The state of one orchestration execution as its history is applied, and the {@link
 * OrchestrationContext} its code uses. Only the run's own thread touches it.
 *
 * <p>Each history event is applied in O(1): records are matched to actions by id ({@link
 * ActionLog}), results complete the open task with their id ({@link OpenTasks}), external events go
 * to {@link ExternalEvents}, entity answers to {@link EntityMessages}. While suspended, results and
 * events are held back and re-applied on resume. (It is longer than most classes because it is the
 * whole context API plus the event switch; the bookkeeping lives in the classes named here.)
 */
final class RuntimeContext implements OrchestrationContext {
  private final OrchestrationRun run;
  private final DataConverter converter;
  private final ActionLog actions = new ActionLog();
  private final ExternalEvents events = new ExternalEvents();
  private final OpenTasks open = new OpenTasks(this::read);
  private final EntityMessages entities = new EntityMessages(this);
  private ArrayDeque<HistoryEvent> heldWhileSuspended = new ArrayDeque<>();
  private boolean suspended;
  private boolean replaying = true;
  private boolean started;
  private ExecutionStartedEvent start;
  private Instant currentInstant = Instant.EPOCH;
  private int uuidCounter;
  private StringValue customStatus;
  private Logger logger;

  RuntimeContext(OrchestrationRun run, DataConverter converter) {
    this.run = run;
    this.converter = converter;
  }

  // ---------------------------------------------------------------- state for the run

  boolean started() {
    return started;
  }

  ExecutionStartedEvent start() {
    return start;
  }

  StringValue customStatus() {
    return customStatus;
  }

  ActionLog actions() {
    return actions;
  }

  EntityMessages entities() {
    return entities;
  }

  String executionId() {
    return start.getOrchestrationInstance().getExecutionId().getValue();
  }

  /** True once a signal unwinds the run: context calls would only rethrow it. */
  boolean unwinding() {
    return run.unwinding();
  }

  /** External events kept for a later wait or held while suspended. */
  List<HistoryEvent> unconsumedEvents() {
    List<HistoryEvent> unconsumed = new ArrayList<>(events.unconsumed());
    heldWhileSuspended.stream().filter(HistoryEvent::hasEventRaised).forEach(unconsumed::add);
    return unconsumed;
  }

  /**
   * A new episode's events are about to be applied: until its first new event, the run counts as
   * replaying, so that reaching the new events always checks the actions against history.
   */
  void beginEpisode() {
    replaying = true;
  }

  /** The next event comes from history already processed ({@code true}) or is new. */
  void setReplaying(boolean nowReplaying) {
    boolean reachedNewEvents = replaying && !nowReplaying;
    replaying = nowReplaying;
    if (reachedNewEvents) {
      try {
        actions.replayReachedNewEvents();
      } catch (NonDeterministicOrchestrationException e) {
        throw run.signal(new RunSignal.Failed(FailureDetails.of(e)));
      } catch (RunSignal.StaleState e) {
        throw run.signal(e);
      }
    }
  }

  /** Blocks (replaying history, then waiting for new events) until the task is done. */
  void awaitDone(CompletableTask<?> task) {
    enter();
    while (!task.isDone()) {
      run.processNextEvent();
    }
  }

  /** Applies one history event. */
  void apply(HistoryEvent event) {
    switch (event.getEventTypeCase()) {
      case ORCHESTRATORSTARTED -> currentInstant = instant(event.getTimestamp());
      case EXECUTIONSTARTED -> {
        if (!started) {
          started = true;
          start = event.getExecutionStarted();
        }
      }
      case TASKSCHEDULED,
          TIMERCREATED,
          SUBORCHESTRATIONINSTANCECREATED,
          ENTITYOPERATIONSIGNALED,
          ENTITYOPERATIONCALLED,
          ENTITYLOCKREQUESTED,
          ENTITYUNLOCKSENT -> {
        try {
          actions.record(event);
        } catch (NonDeterministicOrchestrationException e) {
          throw run.signal(new RunSignal.Failed(FailureDetails.of(e)));
        }
      }
      case TASKCOMPLETED,
          TASKFAILED,
          TIMERFIRED,
          SUBORCHESTRATIONINSTANCECOMPLETED,
          SUBORCHESTRATIONINSTANCEFAILED,
          EVENTRAISED,
          ENTITYOPERATIONCOMPLETED,
          ENTITYOPERATIONFAILED,
          ENTITYLOCKGRANTED -> {
        if (suspended) {
          heldWhileSuspended.add(event);
        } else {
          deliver(event);
        }
      }
      case EXECUTIONSUSPENDED -> suspended = true;
      case EXECUTIONRESUMED -> {
        suspended = false;
        run.applyNext(heldWhileSuspended);
        heldWhileSuspended = new ArrayDeque<>();
      }
      case EXECUTIONTERMINATED ->
          throw run.signal(
              new RunSignal.Terminated(
                  event.getExecutionTerminated().hasInput()
                      ? event.getExecutionTerminated().getInput()
                      : null));
      default -> {
        // EventSent, OrchestratorCompleted, ExecutionCompleted, GenericEvent, HistoryState,
        // ContinueAsNew and rewind events change nothing a Java orchestrator sees.
      }
    }
  }

  private void deliver(HistoryEvent event) {
    switch (event.getEventTypeCase()) {
      case TASKCOMPLETED -> {
        var completed = event.getTaskCompleted();
        open.succeeded(
            completed.getTaskScheduledId(), completed.hasResult() ? completed.getResult() : null);
      }
      case TASKFAILED ->
          open.failed(
              event.getTaskFailed().getTaskScheduledId(),
              event.getTaskFailed().getFailureDetails());
      case TIMERFIRED -> open.succeeded(event.getTimerFired().getTimerId(), null);
      case SUBORCHESTRATIONINSTANCECOMPLETED -> {
        var completed = event.getSubOrchestrationInstanceCompleted();
        open.succeeded(
            completed.getTaskScheduledId(), completed.hasResult() ? completed.getResult() : null);
      }
      case SUBORCHESTRATIONINSTANCEFAILED ->
          open.failed(
              event.getSubOrchestrationInstanceFailed().getTaskScheduledId(),
              event.getSubOrchestrationInstanceFailed().getFailureDetails());
      case EVENTRAISED -> events.deliver(event);
      case ENTITYOPERATIONCOMPLETED -> entities.completed(event.getEntityOperationCompleted());
      case ENTITYOPERATIONFAILED -> entities.failed(event.getEntityOperationFailed());
      case ENTITYLOCKGRANTED -> entities.granted(event.getEntityLockGranted());
      default -> throw new IllegalArgumentException("not a delivery: " + event.getEventTypeCase());
    }
  }

  // ---------------------------------------------------------------- OrchestrationContext

  @Override
  public String instanceId() {
    return start.getOrchestrationInstance().getInstanceId();
  }

  @Override
  public String name() {
    return start.getName();
  }

  @Override
  public <T> T getInput(Class<T> type) {
    enter();
    return read(start.hasInput() ? start.getInput() : null, type);
  }

  @Override
  public Instant currentInstant() {
    return currentInstant;
  }

  @Override
  public boolean isReplaying() {
    return replaying;
  }

  @Override
  public UUID newUuid() {
    enter();
    return NameBasedUuid.of(instanceId() + "/" + executionId() + "/" + uuidCounter++);
  }

  @Override
  public Logger logger() {
    if (logger == null) {
      logger = new ReplaySafeLogger(this);
    }
    return logger;
  }

  @Override
  public <T> Task<T> callActivity(String name, Object input, Class<T> resultType) {
    return callActivity(name, input, TaskOptions.NONE, resultType);
  }

  @Override
  public <T> Task<T> callActivity(
      String name, Object input, TaskOptions options, Class<T> resultType) {
    enter();
    requireName("activity name", name);
    Objects.requireNonNull(resultType, "resultType");
    TaskOptions opts = options == null ? TaskOptions.NONE : options;
    StringValue payload = write(input);
    return withRetries(opts.retryPolicy(), () -> scheduleActivity(name, payload, opts, resultType));
  }

  private <T> CompletableTask<T> scheduleActivity(
      String name, StringValue input, TaskOptions options, Class<T> resultType) {
    int id = actions.nextId();
    ScheduleTaskAction.Builder task = ScheduleTaskAction.newBuilder().setName(name);
    if (input != null) {
      task.setInput(input);
    }
    if (options.version() != null) {
      task.setVersion(StringValue.of(options.version()));
    }
    task.putAllTags(options.tags());
    actions.add(OrchestratorAction.newBuilder().setId(id).setScheduleTask(task).build(), replaying);
    return expect(id, name, resultType);
  }

  private <T> CompletableTask<T> expect(int id, String name, Class<T> resultType) {
    return open.expect(this, id, name, resultType);
  }

  private <T> CompletableTask<T> withRetries(
      RetryPolicy policy, Supplier<CompletableTask<T>> attempt) {
    if (policy == null) {
      return attempt.get();
    }
    return new RetryingCall<>(this, policy, attempt).start();
  }

  @Override
  public <T> Task<List<T>> allOf(List<? extends Task<T>> tasks) {
    enter();
    return Combinators.allOf(this, tasks);
  }

  @Override
  public Task<Task<?>> anyOf(List<? extends Task<?>> tasks) {
    enter();
    return Combinators.anyOf(this, tasks);
  }

  @Override
  public Task<Void> createTimer(Duration delay) {
    enter();
    return timer(delay);
  }

  @Override
  public Task<Void> createTimer(Instant fireAt) {
    enter();
    return timer(fireAt);
  }

  CompletableTask<Void> timer(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    return timer(currentInstant.plus(delay.isNegative() ? Duration.ZERO : delay));
  }

  private CompletableTask<Void> timer(Instant fireAt) {
    Objects.requireNonNull(fireAt, "fireAt");
    int id = actions.nextId();
    CreateTimerAction timer = CreateTimerAction.newBuilder().setFireAt(timestamp(fireAt)).build();
    actions.add(OrchestratorAction.newBuilder().setId(id).setCreateTimer(timer).build(), replaying);
    return expect(id, "timer", Void.class);
  }

  @Override
  public <T> Task<T> waitForExternalEvent(String name, Class<T> type) {
    return waitForExternalEvent(name, null, type);
  }

  @Override
  public <T> Task<T> waitForExternalEvent(String name, Duration timeout, Class<T> type) {
    enter();
    requireName("event name", name);
    CompletableTask<T> task = new CompletableTask<>(this);
    HistoryEvent kept = events.take(name);
    if (kept != null) {
      deliverEvent(task, type, kept);
      return task;
    }
    if (timeout != null && !timeout.isPositive()) {
      task.fail(new TaskhubException.Timeout("No event '" + name + "' had arrived"));
      return task;
    }
    events.await(name, task, event -> deliverEvent(task, type, event));
    if (timeout != null) {
      timer(timeout)
          .whenDone(
              () ->
                  task.fail(
                      new TaskhubException.Timeout(
                          "No event '" + name + "' arrived within " + timeout)));
    }
    return task;
  }

  private <T> void deliverEvent(CompletableTask<T> task, Class<T> type, HistoryEvent event) {
    var raised = event.getEventRaised();
    try {
      task.complete(read(raised.hasInput() ? raised.getInput() : null, type));
    } catch (TaskhubException.DataConversion e) {
      task.fail(e);
    }
  }

  @Override
  public <T> Task<T> callSubOrchestrator(String name, Object input, Class<T> resultType) {
    return callSubOrchestrator(name, input, null, null, resultType);
  }

  @Override
  public <T> Task<T> callSubOrchestrator(
      String name, Object input, String instanceId, TaskOptions options, Class<T> resultType) {
    enter();
    requireName("orchestration name", name);
    Objects.requireNonNull(resultType, "resultType");
    TaskOptions opts = options == null ? TaskOptions.NONE : options;
    StringValue payload = write(input);
    return withRetries(
        opts.retryPolicy(),
        () -> {
          int id = actions.nextId();
          String childId =
              instanceId != null ? instanceId : instanceId() + ":" + String.format("%04x", id);
          CreateSubOrchestrationAction.Builder create =
              CreateSubOrchestrationAction.newBuilder().setInstanceId(childId).setName(name);
          if (payload != null) {
            create.setInput(payload);
          }
          if (opts.version() != null) {
            create.setVersion(StringValue.of(opts.version()));
          }
          create.putAllTags(opts.tags());
          actions.add(
              OrchestratorAction.newBuilder().setId(id).setCreateSubOrchestration(create).build(),
              replaying);
          return expect(id, name, resultType);
        });
  }

  @Override
  public void sendEvent(String instanceId, String eventName, Object data) {
    enter();
    requireName("instance id", instanceId);
    requireName("event name", eventName);
    SendEventAction.Builder send =
        SendEventAction.newBuilder()
            .setInstance(OrchestrationInstance.newBuilder().setInstanceId(instanceId))
            .setName(eventName);
    StringValue payload = write(data);
    if (payload != null) {
      send.setData(payload);
    }
    actions.add(
        OrchestratorAction.newBuilder().setId(actions.nextId()).setSendEvent(send).build(),
        replaying);
  }

  @Override
  public <T> Task<T> callEntity(
      EntityInstanceId id, String operation, Object input, Class<T> resultType) {
    enter();
    Objects.requireNonNull(id, "id");
    requireName("operation name", operation);
    Objects.requireNonNull(resultType, "resultType");
    return entities.call(id, operation, write(input), resultType);
  }

  @Override
  public void signalEntity(EntityInstanceId id, String operation, Object input) {
    signalEntity(id, operation, input, null);
  }

  @Override
  public void signalEntity(EntityInstanceId id, String operation, Object input, Instant at) {
    enter();
    Objects.requireNonNull(id, "id");
    requireName("operation name", operation);
    entities.signal(id, operation, write(input), at);
  }

  @Override
  public Task<EntityLock> lockEntities(List<EntityInstanceId> ids) {
    enter();
    return entities.lock(ids);
  }

  @Override
  public List<EntityInstanceId> lockedEntities() {
    return entities.lockedEntities();
  }

  @Override
  public void continueAsNew(Object newInput, boolean preserveUnprocessedEvents) {
    enter();
    throw run.signal(new RunSignal.ContinueAsNew(write(newInput), preserveUnprocessedEvents));
  }

  @Override
  public void setCustomStatus(Object status) {
    enter();
    customStatus = write(status);
  }

  // ---------------------------------------------------------------- helpers

  /** Every context call starts here: right thread, and no signal pending. */
  void enter() {
    run.checkCaller();
  }

  StringValue write(Object value) {
    return value == null ? null : StringValue.of(converter.serialize(value));
  }

  <T> T read(StringValue data, Class<T> type) {
    if (data == null || type == Void.class || data.getValue().isEmpty()) {
      return null;
    }
    return converter.deserialize(data.getValue(), type);
  }

  private static void requireName(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("The " + what + " must not be empty");
    }
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
