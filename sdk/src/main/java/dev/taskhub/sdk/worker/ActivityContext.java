package dev.taskhub.sdk.worker;

/** What an activity knows about its call. */
public interface ActivityContext {

  /** The activity name it was scheduled under. */
  String name();

  /** The orchestration instance that scheduled it. */
  String instanceId();

  /** Its task id in the orchestration's history (unique within one execution). */
  int taskId();

  /**
   * The input.
   *
   * @return the input, or null if it has none
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if it cannot be read as {@code type}
   */
  <T> T getInput(Class<T> type);
}
