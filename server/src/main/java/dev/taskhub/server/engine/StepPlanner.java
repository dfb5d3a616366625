package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateSubOrchestrationAction;
import dev.taskhub.protocol.EventSentEvent;
import dev.taskhub.protocol.ExecutionCompletedEvent;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ParentInstanceInfo;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.SendEntityMessageAction;
import dev.taskhub.protocol.SubOrchestrationInstanceCreatedEvent;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.TaskScheduledEvent;
import dev.taskhub.protocol.TimerCreatedEvent;
import dev.taskhub.protocol.TimerFiredEvent;
import dev.taskhub.protocol.TraceContext;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.ChildInstance;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceUpdate;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.OrchestrationStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a worker's answer to an episode into the step the store applies. History grows by the
 * episode's new events, then one event per new action, in action order; an action whose id already
 * has its event in history is a re-send (old SDKs repeat some actions) and is ignored.
 *
 * <p>Long because it is the one place that knows how every orchestrator action becomes history and
 * messages (§2.3 of the protocol notes); each action has its own small method in {@code Plan}.
 */
final class StepPlanner {
  private final PayloadLimit payloadLimit;

  /** Where activities scheduled without a trace context get one; set once before dispatch. */
  volatile Tracing tracing = Tracing.NONE;

  StepPlanner(PayloadLimit payloadLimit) {
    this.payloadLimit = payloadLimit;
  }

  PayloadLimit payloadLimit() {
    return payloadLimit;
  }

  OrchestrationStep plan(Episode episode, OrchestratorResponse response, long now) {
    InstanceRecord instance = episode.workItem().instance();
    String oversize = payloadLimit.firstOversizeField(response);
    if (oversize != null) {
      return fail(episode, now, Events.failure("PayloadTooLarge", oversize));
    }
    Plan plan = new Plan(episode, now, processedEvents(episode, response));
    plan.tracing = tracing;
    if (response.hasOrchestrationTraceContext()) {
      plan.traceContext = response.getOrchestrationTraceContext();
    }
    OrchestratorAction completion = null;
    for (OrchestratorAction action : response.getActionsList()) {
      if (action.hasCompleteOrchestration()) {
        completion = action;
        continue;
      }
      if (plan.alreadyRecorded(action.getId())) {
        continue;
      }
      switch (action.getOrchestratorActionTypeCase()) {
        case SCHEDULETASK -> plan.scheduleTask(action.getId(), action.getScheduleTask());
        case CREATETIMER ->
            plan.createTimer(action.getId(), Events.millis(action.getCreateTimer().getFireAt()));
        case SENDEVENT -> plan.sendEvent(action);
        case TERMINATEORCHESTRATION -> plan.terminateOther(action);
        case CREATESUBORCHESTRATION ->
            plan.createChild(action.getId(), action.getCreateSubOrchestration());
        case SENDENTITYMESSAGE -> {
          try {
            plan.sendEntityMessage(action.getId(), action.getSendEntityMessage());
          } catch (TaskhubException.InvalidArgument e) {
            return fail(episode, now, Events.failure("InvalidEntityMessage", e.getMessage()));
          }
        }
        default -> {
          return fail(
              episode,
              now,
              Events.failure(
                  "UnsupportedAction",
                  "Taskhub does not support orchestrator action "
                      + action.getOrchestratorActionTypeCase()
                      + " yet (action id "
                      + action.getId()
                      + ")"));
        }
      }
    }
    String customStatus =
        response.hasCustomStatus() && !response.getCustomStatus().getValue().isEmpty()
            ? response.getCustomStatus().getValue()
            : null;
    if (completion == null) {
      return plan.toStep(
          new InstanceUpdate(
              instance.executionId(), plan.status, null, null, customStatus, null, now, 0),
          false);
    }
    CompleteOrchestrationAction complete = completion.getCompleteOrchestration();
    if (complete.getOrchestrationStatus()
        == OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW) {
      return plan.continueAsNew(complete, customStatus);
    }
    return plan.finish(
        completion.getId(),
        complete.getOrchestrationStatus(),
        complete.hasResult() ? complete.getResult() : null,
        complete.hasFailureDetails() ? complete.getFailureDetails() : null,
        customStatus);
  }

  /**
   * How many of the episode's new events the worker processed: {@code numEventsProcessed} if it
   * sent one (at least the episode's own {@code OrchestratorStarted}), else all of them. The rest
   * stay in the inbox and are delivered again with the next episode.
   *
   * @throws TaskhubException.InvalidArgument if the count is negative
   */
  static int processedEvents(Episode episode, OrchestratorResponse response) {
    int all = episode.newEvents().size();
    if (!response.hasNumEventsProcessed()) {
      return all;
    }
    int processed = response.getNumEventsProcessed().getValue();
    if (processed < 0) {
      throw new TaskhubException.InvalidArgument(
          "numEventsProcessed must not be negative, was " + processed);
    }
    return Math.max(1, Math.min(processed, all));
  }

  /** Ends the instance as FAILED without applying the worker's actions. */
  OrchestrationStep fail(Episode episode, long now, TaskFailureDetails failure) {
    return new Plan(episode, now)
        .finish(
            Events.NO_EVENT_ID,
            OrchestrationStatus.ORCHESTRATION_STATUS_FAILED,
            null,
            failure,
            episode.workItem().instance().customStatus());
  }

  /**
   * Ends the instance as TERMINATED without a worker: for instances that are suspended, not started
   * yet, or whose hub has no worker. The episode's new events must include the ExecutionTerminated.
   */
  OrchestrationStep terminate(Episode episode, long now) {
    StringValue output = null;
    for (HistoryEvent event : episode.newEvents()) {
      if (event.hasExecutionTerminated() && event.getExecutionTerminated().hasInput()) {
        output = event.getExecutionTerminated().getInput();
      }
    }
    return new Plan(episode, now)
        .finish(
            Events.NO_EVENT_ID,
            OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED,
            output,
            null,
            episode.workItem().instance().customStatus());
  }

  private static HistoryEvent completedEvent(
      int eventId,
      OrchestrationStatus status,
      StringValue result,
      TaskFailureDetails failure,
      long now) {
    ExecutionCompletedEvent.Builder completed =
        ExecutionCompletedEvent.newBuilder().setOrchestrationStatus(status);
    if (result != null) {
      completed.setResult(result);
    }
    if (failure != null) {
      completed.setFailureDetails(failure);
    }
    return Events.event(now).setEventId(eventId).setExecutionCompleted(completed).build();
  }

  /** The step under construction for one episode. */
  private static final class Plan {
    final Episode episode;
    final InstanceRecord instance;
    final InstanceKey key;
    final long now;

    /** The episode's new events the worker processed: all but those it left for the next one. */
    final List<HistoryEvent> delivered;

    final List<Long> consumedInboxIds;
    final List<HistoryEvent> history;
    final List<ActivityTask> activities = new ArrayList<>();
    final List<InboxMessage> messages = new ArrayList<>();
    final List<ChildInstance> children = new ArrayList<>();

    /**
     * The ids of the actions the history records, read on the first action answered: most episodes
     * of a fan-in answer none, and the history can hold 100,000 of them.
     */
    private Set<Integer> recordedActionIds;

    boolean recursiveTermination;
    OrchestrationStatus status;

    /** The span the worker reports for the orchestration, kept for its later episodes; or null. */
    OrchestrationTraceContext traceContext;

    Tracing tracing = Tracing.NONE;

    /** The trace context of activities the worker scheduled without one, once asked for. */
    private TraceContext activityParent;

    /** The instance's span as a parent for its activities and children; null with tracing off. */
    TraceContext instanceSpan() {
      if (activityParent == null && tracing != Tracing.NONE) {
        activityParent = tracing.activityParent(episode.workItem(), delivered);
      }
      return activityParent;
    }

    Plan(Episode episode, long now) {
      this(episode, now, episode.newEvents().size());
    }

    Plan(Episode episode, long now, int processed) {
      this.episode = episode;
      this.instance = episode.workItem().instance();
      this.key = instance.key();
      this.now = now;
      this.delivered = episode.newEvents().subList(0, processed);
      this.consumedInboxIds = episode.consumedInboxIds(processed);
      this.history = new ArrayList<>(delivered);
      this.status = instance.status();
      for (HistoryEvent event : delivered) {
        switch (event.getEventTypeCase()) {
          case EXECUTIONSTARTED -> {
            if (status == OrchestrationStatus.ORCHESTRATION_STATUS_PENDING
                || status == OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW) {
              status = OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
            }
          }
          case EXECUTIONSUSPENDED -> status = OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
          case EXECUTIONTERMINATED ->
              recursiveTermination |= event.getExecutionTerminated().getRecurse();
          case EXECUTIONRESUMED -> status = OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
          default -> {}
        }
      }
    }

    private void recordActionId(HistoryEvent event) {
      switch (event.getEventTypeCase()) {
        case TASKSCHEDULED, TIMERCREATED, SUBORCHESTRATIONINSTANCECREATED, EVENTSENT ->
            recordedActionIds.add(event.getEventId());
        default -> {
          if (EntityMessages.recordsAction(event)) {
            recordedActionIds.add(event.getEventId());
          }
        }
      }
    }

    boolean alreadyRecorded(int actionId) {
      if (recordedActionIds == null) {
        recordedActionIds = new HashSet<>();
        episode.workItem().history().forEach(this::recordActionId);
        delivered.forEach(this::recordActionId);
      }
      return !recordedActionIds.add(actionId);
    }

    void scheduleTask(int id, ScheduleTaskAction task) {
      TaskScheduledEvent.Builder scheduled =
          TaskScheduledEvent.newBuilder().setName(task.getName()).putAllTags(task.getTagsMap());
      ActivityRequest.Builder request =
          ActivityRequest.newBuilder()
              .setName(task.getName())
              .setOrchestrationInstance(
                  OrchestrationInstance.newBuilder()
                      .setInstanceId(key.instanceId())
                      .setExecutionId(StringValue.of(instance.executionId())))
              .setTaskId(id)
              .putAllTags(task.getTagsMap());
      if (task.hasVersion()) {
        scheduled.setVersion(task.getVersion());
        request.setVersion(task.getVersion());
      }
      if (task.hasInput()) {
        scheduled.setInput(task.getInput());
        request.setInput(task.getInput());
      }
      if (task.hasParentTraceContext()) {
        scheduled.setParentTraceContext(task.getParentTraceContext());
        request.setParentTraceContext(task.getParentTraceContext());
      } else if (instanceSpan() != null) {
        request.setParentTraceContext(instanceSpan()); // the request only: history keeps the SDK's
      }
      history.add(Events.event(now).setEventId(id).setTaskScheduled(scheduled).build());
      activities.add(new ActivityTask(key, instance.executionId(), id, request.build(), now));
    }

    void createTimer(int id, long fireAt) {
      history.add(
          Events.event(now)
              .setEventId(id)
              .setTimerCreated(TimerCreatedEvent.newBuilder().setFireAt(Events.timestamp(fireAt)))
              .build());
      HistoryEvent fired =
          Events.event(fireAt)
              .setTimerFired(
                  TimerFiredEvent.newBuilder().setTimerId(id).setFireAt(Events.timestamp(fireAt)))
              .build();
      messages.add(new InboxMessage(key, instance.executionId(), fireAt, fired));
    }

    void sendEvent(OrchestratorAction action) {
      var send = action.getSendEvent();
      EventSentEvent.Builder sent =
          EventSentEvent.newBuilder()
              .setInstanceId(send.getInstance().getInstanceId())
              .setName(send.getName());
      if (send.hasData()) {
        sent.setInput(send.getData());
      }
      history.add(Events.event(now).setEventId(action.getId()).setEventSent(sent).build());
      InstanceKey target = new InstanceKey(key.hub(), send.getInstance().getInstanceId());
      messages.add(
          new InboxMessage(
              target,
              null,
              now,
              Events.eventRaised(send.getName(), send.hasData() ? send.getData() : null, now)));
    }

    void sendEntityMessage(int id, SendEntityMessageAction action) {
      EntityMessages.Sent sent = EntityMessages.of(id, action, key, instance.executionId(), now);
      history.add(sent.recorded());
      messages.add(sent.message());
    }

    /** Unlocks for the critical sections this generation leaves open as it ends. */
    private void releaseEntityLocks() {
      List<HistoryEvent> all = new ArrayList<>(episode.workItem().history());
      all.addAll(history);
      messages.addAll(EntityMessages.unlocksAtEnd(key, all, now));
    }

    void terminateOther(OrchestratorAction action) {
      var terminate = action.getTerminateOrchestration();
      InstanceKey target = new InstanceKey(key.hub(), terminate.getInstanceId());
      messages.add(
          new InboxMessage(
              target,
              null,
              now,
              Events.executionTerminated(
                  terminate.hasReason() ? terminate.getReason() : null,
                  terminate.getRecurse(),
                  now)));
    }

    void createChild(int id, CreateSubOrchestrationAction create) {
      String childId =
          create.getInstanceId().isEmpty()
              ? String.format("%s:%04x", key.instanceId(), id)
              : create.getInstanceId();
      SubOrchestrationInstanceCreatedEvent.Builder created =
          SubOrchestrationInstanceCreatedEvent.newBuilder()
              .setInstanceId(childId)
              .setName(create.getName())
              .putAllTags(create.getTagsMap());
      if (create.hasVersion()) {
        created.setVersion(create.getVersion());
      }
      if (create.hasInput()) {
        created.setInput(create.getInput());
      }
      history.add(
          Events.event(now).setEventId(id).setSubOrchestrationInstanceCreated(created).build());
      String childExecutionId = UUID.randomUUID().toString();
      ParentInstanceInfo.Builder parent =
          ParentInstanceInfo.newBuilder()
              .setTaskScheduledId(id)
              .setName(StringValue.of(instance.name()))
              .setOrchestrationInstance(
                  OrchestrationInstance.newBuilder()
                      .setInstanceId(key.instanceId())
                      .setExecutionId(StringValue.of(instance.executionId())));
      if (instance.version() != null) {
        parent.setVersion(StringValue.of(instance.version()));
      }
      ExecutionStartedEvent.Builder started =
          ExecutionStartedEvent.newBuilder()
              .setName(create.getName())
              .setOrchestrationInstance(
                  OrchestrationInstance.newBuilder()
                      .setInstanceId(childId)
                      .setExecutionId(StringValue.of(childExecutionId)))
              .setParentInstance(parent)
              .putAllTags(create.getTagsMap());
      if (create.hasVersion()) {
        started.setVersion(create.getVersion());
      }
      if (create.hasInput()) {
        started.setInput(create.getInput());
      }
      if (create.hasParentTraceContext()) {
        started.setParentTraceContext(create.getParentTraceContext());
      } else if (instanceSpan() != null) {
        started.setParentTraceContext(instanceSpan()); // the child's trace joins its parent's
      }
      NewInstance child =
          new NewInstance(
              new InstanceKey(key.hub(), childId),
              childExecutionId,
              create.getName(),
              create.hasVersion() ? create.getVersion().getValue() : null,
              create.hasInput() ? create.getInput().getValue() : null,
              key.instanceId(),
              create.getTagsMap(),
              now,
              now,
              Events.event(now).setExecutionStarted(started).build());
      HistoryEvent conflict =
          Events.subOrchestrationFailed(
              id,
              Events.failure(
                  "InstanceAlreadyExists",
                  "Cannot start sub-orchestration '"
                      + childId
                      + "': an instance with that ID exists and has not ended"),
              now);
      children.add(new ChildInstance(child, key, conflict));
    }

    /** Ends the instance: records the completion, tells the parent, and cascades termination. */
    OrchestrationStep finish(
        int eventId,
        OrchestrationStatus finalStatus,
        StringValue result,
        TaskFailureDetails failure,
        String customStatus) {
      dropSelfWork();
      releaseEntityLocks();
      history.add(completedEvent(eventId, finalStatus, result, failure, now));
      notifyParent(finalStatus, result, failure);
      if (recursiveTermination
          && finalStatus == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED) {
        terminateOpenChildren(result);
      }
      return toStep(
          new InstanceUpdate(
              instance.executionId(),
              finalStatus,
              null,
              result == null ? null : result.getValue(),
              customStatus,
              failure,
              now,
              now),
          true);
    }

    private void notifyParent(
        OrchestrationStatus finalStatus, StringValue result, TaskFailureDetails failure) {
      Optional<ExecutionStartedEvent> started = executionStarted();
      if (started.isEmpty() || !started.get().hasParentInstance()) {
        return;
      }
      ParentInstanceInfo parent = started.get().getParentInstance();
      InstanceKey parentKey =
          new InstanceKey(key.hub(), parent.getOrchestrationInstance().getInstanceId());
      String parentExecution =
          parent.getOrchestrationInstance().hasExecutionId()
              ? parent.getOrchestrationInstance().getExecutionId().getValue()
              : null;
      HistoryEvent event =
          switch (finalStatus) {
            case ORCHESTRATION_STATUS_COMPLETED ->
                Events.subOrchestrationCompleted(parent.getTaskScheduledId(), result, now);
            case ORCHESTRATION_STATUS_TERMINATED ->
                Events.subOrchestrationFailed(
                    parent.getTaskScheduledId(),
                    Events.failure(
                        "OrchestrationTerminated",
                        "Sub-orchestration '"
                            + key.instanceId()
                            + "' was terminated"
                            + (result == null ? "" : ": " + result.getValue())),
                    now);
            default ->
                Events.subOrchestrationFailed(
                    parent.getTaskScheduledId(),
                    failure != null
                        ? failure
                        : Events.failure(
                            "OrchestrationFailed",
                            "Sub-orchestration '" + key.instanceId() + "' failed"),
                    now);
          };
      messages.add(new InboxMessage(parentKey, parentExecution, now, event));
    }

    /** Sends a recursive termination to every child created and not yet finished. */
    private void terminateOpenChildren(StringValue output) {
      Map<Integer, String> open = new HashMap<>();
      List<HistoryEvent> all = new ArrayList<>(episode.workItem().history());
      all.addAll(history);
      for (HistoryEvent event : all) {
        switch (event.getEventTypeCase()) {
          case SUBORCHESTRATIONINSTANCECREATED ->
              open.put(
                  event.getEventId(), event.getSubOrchestrationInstanceCreated().getInstanceId());
          case SUBORCHESTRATIONINSTANCECOMPLETED ->
              open.remove(event.getSubOrchestrationInstanceCompleted().getTaskScheduledId());
          case SUBORCHESTRATIONINSTANCEFAILED ->
              open.remove(event.getSubOrchestrationInstanceFailed().getTaskScheduledId());
          default -> {}
        }
      }
      for (String childId : open.values()) {
        messages.add(
            new InboxMessage(
                new InstanceKey(key.hub(), childId),
                null,
                now,
                Events.executionTerminated(output, true, now)));
      }
      for (ChildInstance child : children) {
        messages.add(
            new InboxMessage(
                child.instance().key(), null, now, Events.executionTerminated(output, true, now)));
      }
    }

    /** A finished instance needs no more activities or timers of its own. */
    void dropSelfWork() {
      activities.clear();
      messages.removeIf(message -> message.target().equals(key));
    }

    OrchestrationStep continueAsNew(CompleteOrchestrationAction complete, String customStatus) {
      dropSelfWork();
      releaseEntityLocks();
      String executionId = UUID.randomUUID().toString();
      ExecutionStartedEvent previous =
          executionStarted()
              .orElseThrow(
                  () -> new IllegalStateException(key + " continued as new before starting"));
      ExecutionStartedEvent.Builder started =
          previous.toBuilder()
              .setOrchestrationInstance(
                  OrchestrationInstance.newBuilder()
                      .setInstanceId(key.instanceId())
                      .setExecutionId(StringValue.of(executionId)))
              .clearInput()
              .clearScheduledStartTimestamp();
      if (complete.hasResult()) {
        started.setInput(complete.getResult());
      }
      if (complete.hasNewVersion()) {
        started.setVersion(complete.getNewVersion());
      }
      messages.add(
          new InboxMessage(
              key, executionId, now, Events.event(now).setExecutionStarted(started).build()));
      for (HistoryEvent carried : complete.getCarryoverEventsList()) {
        messages.add(new InboxMessage(key, executionId, now, carried));
      }
      InstanceUpdate update =
          new InstanceUpdate(
              executionId,
              OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW,
              complete.hasResult() ? complete.getResult().getValue() : null,
              null,
              customStatus,
              null,
              now,
              0,
              // The new generation opens a span of its own: forget the old one.
              OrchestrationTraceContext.getDefaultInstance(),
              complete.hasNewVersion() ? complete.getNewVersion().getValue() : null);
      return new OrchestrationStep(
          key,
          instance.executionId(),
          instance.historyLength(),
          true,
          List.of(),
          consumedInboxIds,
          update,
          List.of(),
          List.copyOf(messages),
          List.of(),
          false);
    }

    /** The generation's ExecutionStarted; absent only for an instance ended before it started. */
    private Optional<ExecutionStartedEvent> executionStarted() {
      return java.util.stream.Stream.concat(
              episode.workItem().history().stream(), delivered.stream())
          .filter(HistoryEvent::hasExecutionStarted)
          .map(HistoryEvent::getExecutionStarted)
          .findFirst();
    }

    OrchestrationStep toStep(InstanceUpdate update, boolean terminal) {
      return new OrchestrationStep(
          key,
          instance.executionId(),
          instance.historyLength(),
          false,
          List.copyOf(history),
          consumedInboxIds,
          traceContext == null ? update : update.withTraceContext(traceContext),
          List.copyOf(activities),
          List.copyOf(messages),
          List.copyOf(children),
          terminal);
    }
  }
}
