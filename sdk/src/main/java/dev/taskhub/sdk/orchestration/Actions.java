package dev.taskhub.sdk.orchestration;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.SendEntityMessageAction;
import java.util.List;

/** How actions relate to the history events that record them, and how both are named in errors. */
final class Actions {
  private Actions() {}

  /** Whether the scheduler records the action in history with {@code eventId} = its id. */
  static boolean isRecorded(OrchestratorAction action) {
    return switch (action.getOrchestratorActionTypeCase()) {
      case SCHEDULETASK, CREATETIMER, CREATESUBORCHESTRATION, SENDENTITYMESSAGE -> true;
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
      case ENTITYOPERATIONSIGNALED, ENTITYOPERATIONCALLED, ENTITYLOCKREQUESTED, ENTITYUNLOCKSENT ->
          action.hasSendEntityMessage()
              && describe(action.getSendEntityMessage()).equals(describeEntityEvent(event));
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
      case SENDENTITYMESSAGE -> describe(action.getSendEntityMessage());
      default -> action.getOrchestratorActionTypeCase().name();
    };
  }

  static String describe(HistoryEvent event) {
    return switch (event.getEventTypeCase()) {
      case TASKSCHEDULED -> "ScheduleTask '" + event.getTaskScheduled().getName() + "'";
      case TIMERCREATED -> "CreateTimer";
      case SUBORCHESTRATIONINSTANCECREATED ->
          "CreateSubOrchestration '" + event.getSubOrchestrationInstanceCreated().getName() + "'";
      case ENTITYOPERATIONSIGNALED, ENTITYOPERATIONCALLED, ENTITYLOCKREQUESTED, ENTITYUNLOCKSENT ->
          describeEntityEvent(event);
      default -> event.getEventTypeCase().name();
    };
  }

  /**
   * An entity message by what identifies it across replays: its kind, operation and target, or the
   * lock set (request ids are left out, so that the error names what the code did differently).
   */
  private static String describe(SendEntityMessageAction message) {
    return switch (message.getEntityMessageTypeCase()) {
      case ENTITYOPERATIONSIGNALED ->
          signal(
              message.getEntityOperationSignaled().getOperation(),
              message.getEntityOperationSignaled().getTargetInstanceId().getValue());
      case ENTITYOPERATIONCALLED ->
          call(
              message.getEntityOperationCalled().getOperation(),
              message.getEntityOperationCalled().getTargetInstanceId().getValue());
      case ENTITYLOCKREQUESTED -> lock(message.getEntityLockRequested().getLockSetList());
      case ENTITYUNLOCKSENT ->
          unlock(message.getEntityUnlockSent().getTargetInstanceId().getValue());
      case ENTITYMESSAGETYPE_NOT_SET -> "SendEntityMessage";
    };
  }

  private static String describeEntityEvent(HistoryEvent event) {
    return switch (event.getEventTypeCase()) {
      case ENTITYOPERATIONSIGNALED ->
          signal(
              event.getEntityOperationSignaled().getOperation(),
              event.getEntityOperationSignaled().getTargetInstanceId().getValue());
      case ENTITYOPERATIONCALLED ->
          call(
              event.getEntityOperationCalled().getOperation(),
              event.getEntityOperationCalled().getTargetInstanceId().getValue());
      case ENTITYLOCKREQUESTED -> lock(event.getEntityLockRequested().getLockSetList());
      case ENTITYUNLOCKSENT -> unlock(event.getEntityUnlockSent().getTargetInstanceId().getValue());
      default -> event.getEventTypeCase().name();
    };
  }

  private static String signal(String operation, String target) {
    return "SignalEntity '" + operation + "' to " + target;
  }

  private static String call(String operation, String target) {
    return "CallEntity '" + operation + "' on " + target;
  }

  private static String lock(List<String> lockSet) {
    return "LockEntities " + lockSet;
  }

  private static String unlock(String target) {
    return "UnlockEntity " + target;
  }
}
