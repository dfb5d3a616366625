package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.EntityOperationSignaledEvent;
import dev.taskhub.protocol.EventRaisedEvent;
import dev.taskhub.protocol.ExecutionResumedEvent;
import dev.taskhub.protocol.ExecutionSuspendedEvent;
import dev.taskhub.protocol.ExecutionTerminatedEvent;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorStartedEvent;
import dev.taskhub.protocol.SubOrchestrationInstanceCompletedEvent;
import dev.taskhub.protocol.SubOrchestrationInstanceFailedEvent;
import dev.taskhub.protocol.TaskCompletedEvent;
import dev.taskhub.protocol.TaskFailedEvent;
import dev.taskhub.protocol.TaskFailureDetails;
import java.util.List;

/**
 * Builders for the history events the server itself creates. Events that are not the echo of an
 * orchestrator action carry {@code eventId = -1}, as every SDK expects.
 */
public final class Events {
  public static final int NO_EVENT_ID = -1;

  private Events() {}

  /**
   * The history a worker replays. {@code EventSent} stays in our store (it is how a re-sent
   * SendEvent action is recognised) but is never shown to workers: the Java SDK up to 1.8 cannot
   * replay it.
   */
  public static List<HistoryEvent> replayable(List<HistoryEvent> history) {
    return history.stream().filter(event -> !event.hasEventSent()).toList();
  }

  public static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochMillis, 1000))
        .setNanos(Math.floorMod(epochMillis, 1000) * 1_000_000)
        .build();
  }

  public static long millis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
  }

  static HistoryEvent.Builder event(long now) {
    return HistoryEvent.newBuilder().setEventId(NO_EVENT_ID).setTimestamp(timestamp(now));
  }

  public static HistoryEvent orchestratorStarted(long now) {
    return event(now).setOrchestratorStarted(OrchestratorStartedEvent.getDefaultInstance()).build();
  }

  public static HistoryEvent taskCompleted(int taskScheduledId, StringValue result, long now) {
    TaskCompletedEvent.Builder completed =
        TaskCompletedEvent.newBuilder().setTaskScheduledId(taskScheduledId);
    if (result != null) {
      completed.setResult(result);
    }
    return event(now).setTaskCompleted(completed).build();
  }

  public static HistoryEvent taskFailed(int taskScheduledId, TaskFailureDetails failure, long now) {
    return event(now)
        .setTaskFailed(
            TaskFailedEvent.newBuilder()
                .setTaskScheduledId(taskScheduledId)
                .setFailureDetails(failure))
        .build();
  }

  public static HistoryEvent subOrchestrationCompleted(
      int taskScheduledId, StringValue result, long now) {
    SubOrchestrationInstanceCompletedEvent.Builder completed =
        SubOrchestrationInstanceCompletedEvent.newBuilder().setTaskScheduledId(taskScheduledId);
    if (result != null) {
      completed.setResult(result);
    }
    return event(now).setSubOrchestrationInstanceCompleted(completed).build();
  }

  public static HistoryEvent subOrchestrationFailed(
      int taskScheduledId, TaskFailureDetails failure, long now) {
    return event(now)
        .setSubOrchestrationInstanceFailed(
            SubOrchestrationInstanceFailedEvent.newBuilder()
                .setTaskScheduledId(taskScheduledId)
                .setFailureDetails(failure))
        .build();
  }

  public static HistoryEvent eventRaised(String name, StringValue input, long now) {
    EventRaisedEvent.Builder raised = EventRaisedEvent.newBuilder().setName(name);
    if (input != null) {
      raised.setInput(input);
    }
    return event(now).setEventRaised(raised).build();
  }

  public static HistoryEvent executionTerminated(StringValue output, boolean recurse, long now) {
    ExecutionTerminatedEvent.Builder terminated =
        ExecutionTerminatedEvent.newBuilder().setRecurse(recurse);
    if (output != null) {
      terminated.setInput(output);
    }
    return event(now).setExecutionTerminated(terminated).build();
  }

  public static HistoryEvent executionSuspended(StringValue reason, long now) {
    ExecutionSuspendedEvent.Builder suspended = ExecutionSuspendedEvent.newBuilder();
    if (reason != null) {
      suspended.setInput(reason);
    }
    return event(now).setExecutionSuspended(suspended).build();
  }

  public static HistoryEvent executionResumed(StringValue reason, long now) {
    ExecutionResumedEvent.Builder resumed = ExecutionResumedEvent.newBuilder();
    if (reason != null) {
      resumed.setInput(reason);
    }
    return event(now).setExecutionResumed(resumed).build();
  }

  /**
   * The message a signal puts into an entity's inbox (from a client, an orchestration's action or
   * another entity).
   *
   * @param input null for none
   * @param scheduledTime null to run as soon as possible
   */
  static HistoryEvent entitySignal(
      String requestId,
      String operation,
      String targetInstanceId,
      StringValue input,
      Timestamp scheduledTime,
      long now) {
    EntityOperationSignaledEvent.Builder signal =
        EntityOperationSignaledEvent.newBuilder()
            .setRequestId(requestId)
            .setOperation(operation)
            .setTargetInstanceId(StringValue.of(targetInstanceId));
    if (input != null) {
      signal.setInput(input);
    }
    if (scheduledTime != null) {
      signal.setScheduledTime(scheduledTime);
    }
    return event(now).setEntityOperationSignaled(signal).build();
  }

  public static TaskFailureDetails failure(String type, String message) {
    return TaskFailureDetails.newBuilder().setErrorType(type).setErrorMessage(message).build();
  }
}
