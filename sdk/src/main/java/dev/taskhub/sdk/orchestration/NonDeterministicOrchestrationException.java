package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.TaskhubException;

/**
 * The orchestrator did not do, on replay, what its history records: it scheduled a different action
 * (or none) at an action id, usually because its code changed while instances were running or
 * because it depends on something other than its inputs and task results. The instance fails with
 * this exception's name as the error type and a message naming the expected and the actual action.
 * The orchestrator cannot catch it.
 */
public final class NonDeterministicOrchestrationException extends TaskhubException {
  public NonDeterministicOrchestrationException(String message) {
    super(message);
  }
}
