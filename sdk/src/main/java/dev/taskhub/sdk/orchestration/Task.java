package dev.taskhub.sdk.orchestration;

/**
 * A durable operation started by an orchestration: an activity call, a timer, an external event, a
 * sub-orchestration, or a combination of them ({@link OrchestrationContext#allOf}, {@link
 * OrchestrationContext#anyOf}). Tasks are only used on the orchestration's own thread.
 *
 * @param <T> the result type
 */
public sealed interface Task<T> permits CompletableTask {

  /**
   * Blocks the orchestration until the task is done and returns its result. While it waits, the
   * orchestration's history is replayed or, once history is exhausted, the worker records the
   * actions taken so far and the orchestration resumes in a later episode.
   *
   * @return the result (null for tasks without a result)
   * @throws TaskFailedException if the activity or sub-orchestration failed
   * @throws dev.taskhub.sdk.TaskhubException.Timeout if an external event did not arrive in time
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if the result cannot be read as {@code
   *     T}
   * @throws IllegalStateException if called outside the orchestration's thread
   */
  T await();

  /** True once the task has a result or a failure. */
  boolean isDone();

  /** True when the task is done and failed. */
  boolean isFailed();
}
