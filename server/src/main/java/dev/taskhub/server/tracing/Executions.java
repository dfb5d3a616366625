package dev.taskhub.server.tracing;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.List;
import java.util.Locale;

/** What the spans read from an execution's history: its start, its timers, its end. */
final class Executions {
  /**
   * The {@code ExecutionStarted} of the execution an episode ran: in its history, or among the new
   * events of its first episode; null if neither holds one (an episode that starts nothing).
   */
  static HistoryEvent started(OrchestrationWorkItem workItem, List<HistoryEvent> delivered) {
    for (HistoryEvent event : workItem.history()) {
      if (event.hasExecutionStarted()) {
        return event;
      }
    }
    for (HistoryEvent event : delivered) {
      if (event.hasExecutionStarted()) {
        return event;
      }
    }
    return null;
  }

  /** The {@code TimerCreated} whose event id {@code timerId} is, or null. */
  static HistoryEvent timerCreated(OrchestrationWorkItem workItem, int timerId) {
    for (HistoryEvent event : workItem.history()) {
      if (event.hasTimerCreated() && event.getEventId() == timerId) {
        return event;
      }
    }
    return null;
  }

  /** The status the step ended its execution with, or null if the execution goes on. */
  static OrchestrationStatus endedStatus(OrchestrationStep step) {
    if (step.resetHistory()) {
      return OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW;
    }
    for (HistoryEvent event : step.history()) {
      if (event.hasExecutionCompleted()) {
        return event.getExecutionCompleted().getOrchestrationStatus();
      }
    }
    return null;
  }

  /** {@code COMPLETED}, {@code FAILED}, … as the SDKs and our APIs name statuses. */
  static String statusName(OrchestrationStatus status) {
    return status.name().substring("ORCHESTRATION_STATUS_".length()).toUpperCase(Locale.ROOT);
  }

  private Executions() {}
}
