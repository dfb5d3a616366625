package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.EventSentEvent;
import dev.taskhub.protocol.ExecutionCompletedEvent;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.TaskScheduledEvent;
import dev.taskhub.protocol.TimerCreatedEvent;
import dev.taskhub.protocol.TimerFiredEvent;
import dev.taskhub.server.store.ActivityTask;
import dev.taskhub.server.store.InboxMessage;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.InstanceUpdate;
import dev.taskhub.server.store.OrchestrationStep;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a worker's answer to an episode into the step the store applies. History grows by the
 * episode's new events, then one event per new action, in action order; an action whose id already
 * has its event in history is a re-send (old SDKs repeat some actions) and is ignored.
 */
final class StepPlanner {
  private final PayloadLimit payloadLimit;

  StepPlanner(PayloadLimit payloadLimit) {
    this.payloadLimit = payloadLimit;
  }

  OrchestrationStep plan(Episode episode, OrchestratorResponse response, long now) {
    InstanceRecord instance = episode.workItem().instance();
    String oversize = payloadLimit.firstOversizeField(response);
    if (oversize != null) {
      return fail(episode, now, Events.failure("PayloadTooLarge", oversize));
    }
    Plan plan = new Plan(episode, now);
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
    plan.dropSelfWork();
    plan.history.add(completedEvent(completion.getId(), complete, now));
    return plan.toStep(
        new InstanceUpdate(
            instance.executionId(),
            complete.getOrchestrationStatus(),
            null,
            complete.hasResult() ? complete.getResult().getValue() : null,
            customStatus,
            complete.hasFailureDetails() ? complete.getFailureDetails() : null,
            now,
            now),
        true);
  }

  /** Ends the instance as FAILED without applying the worker's actions. */
  OrchestrationStep fail(Episode episode, long now, TaskFailureDetails failure) {
    Plan plan = new Plan(episode, now);
    CompleteOrchestrationAction failed =
        CompleteOrchestrationAction.newBuilder()
            .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
            .setFailureDetails(failure)
            .build();
    plan.history.add(completedEvent(Events.NO_EVENT_ID, failed, now));
    InstanceRecord instance = episode.workItem().instance();
    return plan.toStep(
        new InstanceUpdate(
            instance.executionId(),
            OrchestrationStatus.ORCHESTRATION_STATUS_FAILED,
            null,
            null,
            instance.customStatus(),
            failure,
            now,
            now),
        true);
  }

  private static HistoryEvent completedEvent(
      int eventId, CompleteOrchestrationAction complete, long now) {
    ExecutionCompletedEvent.Builder completed =
        ExecutionCompletedEvent.newBuilder()
            .setOrchestrationStatus(complete.getOrchestrationStatus());
    if (complete.hasResult()) {
      completed.setResult(complete.getResult());
    }
    if (complete.hasFailureDetails()) {
      completed.setFailureDetails(complete.getFailureDetails());
    }
    return Events.event(now).setEventId(eventId).setExecutionCompleted(completed).build();
  }

  /** The step under construction for one episode. */
  private static final class Plan {
    final Episode episode;
    final InstanceRecord instance;
    final InstanceKey key;
    final long now;
    final List<HistoryEvent> history;
    final List<ActivityTask> activities = new ArrayList<>();
    final List<InboxMessage> messages = new ArrayList<>();
    final Set<Integer> recordedActionIds = new HashSet<>();
    OrchestrationStatus status;

    Plan(Episode episode, long now) {
      this.episode = episode;
      this.instance = episode.workItem().instance();
      this.key = instance.key();
      this.now = now;
      this.history = new ArrayList<>(episode.newEvents());
      this.status = instance.status();
      for (HistoryEvent event : episode.workItem().history()) {
        recordActionId(event);
      }
      for (HistoryEvent event : episode.newEvents()) {
        recordActionId(event);
        switch (event.getEventTypeCase()) {
          case EXECUTIONSTARTED -> {
            if (status == OrchestrationStatus.ORCHESTRATION_STATUS_PENDING
                || status == OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW) {
              status = OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
            }
          }
          case EXECUTIONSUSPENDED -> status = OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED;
          case EXECUTIONRESUMED -> status = OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING;
          default -> {}
        }
      }
    }

    private void recordActionId(HistoryEvent event) {
      switch (event.getEventTypeCase()) {
        case TASKSCHEDULED, TIMERCREATED, SUBORCHESTRATIONINSTANCECREATED, EVENTSENT ->
            recordedActionIds.add(event.getEventId());
        default -> {}
      }
    }

    boolean alreadyRecorded(int actionId) {
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
      }
      history.add(Events.event(now).setEventId(id).setTaskScheduled(scheduled).build());
      activities.add(new ActivityTask(key, instance.executionId(), id, request.build()));
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

    /** A finished instance needs no more activities or timers of its own. */
    void dropSelfWork() {
      activities.clear();
      messages.removeIf(message -> message.target().equals(key));
    }

    OrchestrationStep continueAsNew(CompleteOrchestrationAction complete, String customStatus) {
      dropSelfWork();
      String executionId = UUID.randomUUID().toString();
      ExecutionStartedEvent previous = firstExecutionStarted();
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
              0);
      return new OrchestrationStep(
          key,
          instance.executionId(),
          instance.historyLength(),
          true,
          List.of(),
          episode.consumedInboxIds(),
          update,
          List.of(),
          List.copyOf(messages),
          false);
    }

    private ExecutionStartedEvent firstExecutionStarted() {
      for (HistoryEvent event : episode.workItem().history()) {
        if (event.hasExecutionStarted()) {
          return event.getExecutionStarted();
        }
      }
      for (HistoryEvent event : episode.newEvents()) {
        if (event.hasExecutionStarted()) {
          return event.getExecutionStarted();
        }
      }
      throw new IllegalStateException("Instance " + key + " has no ExecutionStarted event");
    }

    OrchestrationStep toStep(InstanceUpdate update, boolean terminal) {
      return new OrchestrationStep(
          key,
          instance.executionId(),
          instance.historyLength(),
          false,
          List.copyOf(history),
          episode.consumedInboxIds(),
          update,
          List.copyOf(activities),
          List.copyOf(messages),
          terminal);
    }
  }
}
