package dev.taskhub.sdk.orchestration;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorAction;

/** How actions relate to the history events that record them, and how both are named in errors. */
final class Actions {
  private Actions() {}

  /** Whether the scheduler records the action in history with {@code eventId} = its id. */
  static boolean isRecorded(OrchestratorAction action) {
    return switch (action.getOrchestratorActionTypeCase()) {
      case SCHEDULETASK, CREATETIMER, CREATESUBORCHESTRATION -> true;
      default -> false;
    };
  }

  static boolean matches(OrchestratorAction action, HistoryEvent event) {
    return switch (event.getEventTypeCase()) {
      case TASKSCHEDULED ->
          action.hasScheduleTask()
              && action.getScheduleTask().getName().equals(event.getTaskScheduled().getName());
      case TIMERCREATED -> action.hasCreateTimer();
      case SUBORCHESTRATIONINSTANCECREATED ->
          action.hasCreateSubOrchestration()
              && action
                  .getCreateSubOrchestration()
                  .getName()
                  .equals(event.getSubOrchestrationInstanceCreated().getName());
      default -> false;
    };
  }

  static String describe(OrchestratorAction action) {
    return switch (action.getOrchestratorActionTypeCase()) {
      case SCHEDULETASK -> "ScheduleTask '" + action.getScheduleTask().getName() + "'";
      case CREATETIMER -> "CreateTimer";
      case CREATESUBORCHESTRATION ->
          "CreateSubOrchestration '" + action.getCreateSubOrchestration().getName() + "'";
      case SENDEVENT -> "SendEvent '" + action.getSendEvent().getName() + "'";
      case TERMINATEORCHESTRATION ->
          "TerminateOrchestration '" + action.getTerminateOrchestration().getInstanceId() + "'";
      case COMPLETEORCHESTRATION -> "CompleteOrchestration";
      default -> action.getOrchestratorActionTypeCase().name();
    };
  }

  static String describe(HistoryEvent event) {
    return switch (event.getEventTypeCase()) {
      case TASKSCHEDULED -> "ScheduleTask '" + event.getTaskScheduled().getName() + "'";
      case TIMERCREATED -> "CreateTimer";
      case SUBORCHESTRATIONINSTANCECREATED ->
          "CreateSubOrchestration '" + event.getSubOrchestrationInstanceCreated().getName() + "'";
      default -> event.getEventTypeCase().name();
    };
  }
}
