package dev.taskhub.cli;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskFailureDetails;
import java.util.Map;

/**
 * One history event for people: its kind ({@code TaskScheduled}) and what it says ({@code
 * ProcessItem #3 "a"}); results name the task they belong to, looked up in {@code tasks} (task id →
 * name, filled as the events go by).
 */
final class HistoryView {
  private static final int PAYLOAD_CHARS = 60;

  private HistoryView() {}

  /** The event's kind as the protocol names its field: {@code TaskScheduled}. */
  static String kind(HistoryEvent event) {
    return HistoryEvent.getDescriptor().getOneofs().get(0).getFields().stream()
        .filter(field -> field.getNumber() == event.getEventTypeCase().getNumber())
        .findFirst()
        .map(
            field ->
                Character.toUpperCase(field.getName().charAt(0)) + field.getName().substring(1))
        .orElse("Unknown");
  }

  /** What the event says, in one line. */
  static String detail(HistoryEvent event, Map<Integer, String> tasks) {
    return switch (event.getEventTypeCase()) {
      case EXECUTIONSTARTED ->
          event.getExecutionStarted().getName() + payload(event.getExecutionStarted().getInput());
      case EXECUTIONCOMPLETED -> completed(event);
      case EXECUTIONTERMINATED -> payload(event.getExecutionTerminated().getInput()).strip();
      case TASKSCHEDULED -> {
        tasks.put(event.getEventId(), event.getTaskScheduled().getName());
        yield event.getTaskScheduled().getName()
            + " #"
            + event.getEventId()
            + payload(event.getTaskScheduled().getInput());
      }
      case TASKCOMPLETED -> {
        int id = event.getTaskCompleted().getTaskScheduledId();
        yield task(tasks, id) + payload(event.getTaskCompleted().getResult());
      }
      case TASKFAILED -> {
        int id = event.getTaskFailed().getTaskScheduledId();
        yield task(tasks, id) + " " + failure(event.getTaskFailed().getFailureDetails());
      }
      case SUBORCHESTRATIONINSTANCECREATED ->
          event.getSubOrchestrationInstanceCreated().getName()
              + " as "
              + event.getSubOrchestrationInstanceCreated().getInstanceId();
      case TIMERCREATED -> "fires at " + timestamp(event.getTimerCreated().getFireAt());
      case TIMERFIRED -> "timer #" + event.getTimerFired().getTimerId();
      case EVENTRAISED ->
          event.getEventRaised().getName() + payload(event.getEventRaised().getInput());
      case EVENTSENT ->
          event.getEventSent().getName() + " to " + event.getEventSent().getInstanceId();
      case CONTINUEASNEW -> payload(event.getContinueAsNew().getInput()).strip();
      default -> "";
    };
  }

  private static String completed(HistoryEvent event) {
    var completed = event.getExecutionCompleted();
    String status = statusName(completed.getOrchestrationStatus());
    return completed.hasFailureDetails()
        ? status + " " + failure(completed.getFailureDetails())
        : status + payload(completed.getResult());
  }

  private static String statusName(OrchestrationStatus status) {
    return status.name().replace("ORCHESTRATION_STATUS_", "");
  }

  private static String task(Map<Integer, String> tasks, int id) {
    return tasks.getOrDefault(id, "task") + " #" + id;
  }

  private static String failure(TaskFailureDetails failure) {
    return failure.getErrorType() + ": " + failure.getErrorMessage();
  }

  private static String timestamp(com.google.protobuf.Timestamp time) {
    return java.time.Instant.ofEpochSecond(time.getSeconds(), time.getNanos()).toString();
  }

  /** {@code " <json>"} shortened to a table cell, or nothing. */
  private static String payload(StringValue value) {
    if (value.getValue().isEmpty()) {
      return "";
    }
    String text = value.getValue().replaceAll("\\s*\\R\\s*", " ");
    return " "
        + (text.length() <= PAYLOAD_CHARS ? text : text.substring(0, PAYLOAD_CHARS - 1) + "…");
  }
}
