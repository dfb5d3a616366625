package dev.taskhub.sdk.orchestration;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.EntityLockGrantedEvent;
import dev.taskhub.protocol.EntityOperationCompletedEvent;
import dev.taskhub.protocol.EntityOperationFailedEvent;
import dev.taskhub.protocol.EventRaisedEvent;
import dev.taskhub.protocol.ExecutionResumedEvent;
import dev.taskhub.protocol.ExecutionStartedEvent;
import dev.taskhub.protocol.ExecutionSuspendedEvent;
import dev.taskhub.protocol.ExecutionTerminatedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationInstance;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorStartedEvent;
import dev.taskhub.protocol.TaskCompletedEvent;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.TaskScheduledEvent;
import dev.taskhub.protocol.TimerCreatedEvent;
import dev.taskhub.protocol.TimerFiredEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds orchestration histories the way a scheduler does (PROTOCOL-NOTES §2.3): each episode's new
 * events start with OrchestratorStarted; the worker's recorded actions follow them in history.
 */
final class Histories {
  static final String EXECUTION = "execution-1";

  private final String instance;
  private final List<HistoryEvent> history = new ArrayList<>();
  private long clock = 1_700_000_000_000L;

  Histories() {
    this("instance-1");
  }

  Histories(String instance) {
    this(instance, 0);
  }

  /** Another history of the same instance whose episodes start at other times. */
  Histories(String instance, long clockOffsetMillis) {
    this.instance = instance;
    this.clock += clockOffsetMillis;
  }

  /** The request for an episode that delivers {@code newEvents} (after OrchestratorStarted). */
  OrchestratorRequest episode(HistoryEvent... newEvents) {
    clock += 1000;
    List<HistoryEvent> fresh = new ArrayList<>();
    fresh.add(
        event(-1).setOrchestratorStarted(OrchestratorStartedEvent.getDefaultInstance()).build());
    fresh.addAll(List.of(newEvents));
    OrchestratorRequest request =
        OrchestratorRequest.newBuilder()
            .setInstanceId(instance)
            .setExecutionId(StringValue.of(EXECUTION))
            .addAllPastEvents(history)
            .addAllNewEvents(fresh)
            .build();
    history.addAll(fresh);
    return request;
  }

  /** Appends what the scheduler records for the worker's answer to the last episode. */
  void record(List<OrchestratorAction> actions) {
    for (OrchestratorAction action : actions) {
      switch (action.getOrchestratorActionTypeCase()) {
        case SCHEDULETASK ->
            history.add(
                event(action.getId())
                    .setTaskScheduled(
                        TaskScheduledEvent.newBuilder()
                            .setName(action.getScheduleTask().getName())
                            .setInput(action.getScheduleTask().getInput()))
                    .build());
        case CREATETIMER ->
            history.add(
                event(action.getId())
                    .setTimerCreated(
                        TimerCreatedEvent.newBuilder()
                            .setFireAt(action.getCreateTimer().getFireAt()))
                    .build());
        case SENDENTITYMESSAGE -> history.add(entityMessageRecord(action));
        default -> {}
      }
    }
  }

  /** The scheduler records an entity message as the event of the same name and content. */
  private HistoryEvent entityMessageRecord(OrchestratorAction action) {
    var message = action.getSendEntityMessage();
    HistoryEvent.Builder event = event(action.getId());
    switch (message.getEntityMessageTypeCase()) {
      case ENTITYOPERATIONSIGNALED ->
          event.setEntityOperationSignaled(message.getEntityOperationSignaled());
      case ENTITYOPERATIONCALLED ->
          event.setEntityOperationCalled(message.getEntityOperationCalled());
      case ENTITYLOCKREQUESTED -> event.setEntityLockRequested(message.getEntityLockRequested());
      case ENTITYUNLOCKSENT -> event.setEntityUnlockSent(message.getEntityUnlockSent());
      case ENTITYMESSAGETYPE_NOT_SET -> throw new IllegalArgumentException("empty: " + action);
    }
    return event.build();
  }

  HistoryEvent entityCompleted(String requestId, String output) {
    EntityOperationCompletedEvent.Builder completed =
        EntityOperationCompletedEvent.newBuilder().setRequestId(requestId);
    if (output != null) {
      completed.setOutput(StringValue.of(output));
    }
    return event(-1).setEntityOperationCompleted(completed).build();
  }

  HistoryEvent entityFailed(String requestId, TaskFailureDetails failure) {
    return event(-1)
        .setEntityOperationFailed(
            EntityOperationFailedEvent.newBuilder()
                .setRequestId(requestId)
                .setFailureDetails(failure))
        .build();
  }

  HistoryEvent lockGranted(String criticalSectionId) {
    return event(-1)
        .setEntityLockGranted(
            EntityLockGrantedEvent.newBuilder().setCriticalSectionId(criticalSectionId))
        .build();
  }

  long now() {
    return clock;
  }

  HistoryEvent started(String name, String input) {
    ExecutionStartedEvent.Builder started =
        ExecutionStartedEvent.newBuilder()
            .setName(name)
            .setOrchestrationInstance(
                OrchestrationInstance.newBuilder()
                    .setInstanceId(instance)
                    .setExecutionId(StringValue.of(EXECUTION)));
    if (input != null) {
      started.setInput(StringValue.of(input));
    }
    return event(-1).setExecutionStarted(started).build();
  }

  HistoryEvent completed(int taskId, String result) {
    return event(-1)
        .setTaskCompleted(
            TaskCompletedEvent.newBuilder()
                .setTaskScheduledId(taskId)
                .setResult(StringValue.of(result)))
        .build();
  }

  HistoryEvent timerFired(int timerId) {
    return event(-1).setTimerFired(TimerFiredEvent.newBuilder().setTimerId(timerId)).build();
  }

  HistoryEvent raised(String name, String input) {
    return event(-1)
        .setEventRaised(EventRaisedEvent.newBuilder().setName(name).setInput(StringValue.of(input)))
        .build();
  }

  HistoryEvent suspended() {
    return event(-1).setExecutionSuspended(ExecutionSuspendedEvent.getDefaultInstance()).build();
  }

  HistoryEvent resumed() {
    return event(-1).setExecutionResumed(ExecutionResumedEvent.getDefaultInstance()).build();
  }

  HistoryEvent terminated(String output) {
    return event(-1)
        .setExecutionTerminated(
            ExecutionTerminatedEvent.newBuilder().setInput(StringValue.of(output)))
        .build();
  }

  private HistoryEvent.Builder event(int eventId) {
    return HistoryEvent.newBuilder()
        .setEventId(eventId)
        .setTimestamp(
            Timestamp.newBuilder()
                .setSeconds(clock / 1000)
                .setNanos((int) (clock % 1000) * 1_000_000));
  }
}
