package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.TaskhubException;

/**
 * Thrown by {@link Task#await()} when an activity or a sub-orchestration failed; carries the
 * failure as recorded in history (type, message and stack trace of the original error). Left
 * uncaught, it fails the orchestration, whose failure details then name this exception with the
 * task's failure as the cause.
 */
public final class TaskFailedException extends TaskhubException {
  private final String taskName;
  private final int taskId;
  private final FailureDetails failure;

  public TaskFailedException(String taskName, int taskId, FailureDetails failure) {
    super("Task '" + taskName + "' (id " + taskId + ") failed: " + failure);
    this.taskName = taskName;
    this.taskId = taskId;
    this.failure = failure;
  }

  /** The activity or sub-orchestration name. */
  public String taskName() {
    return taskName;
  }

  /** The task's action id in the orchestration's history. */
  public int taskId() {
    return taskId;
  }

  /** The failure of the activity or sub-orchestration. */
  public FailureDetails failure() {
    return failure;
  }
}
