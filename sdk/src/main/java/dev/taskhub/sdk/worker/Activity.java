package dev.taskhub.sdk.worker;

/**
 * An activity: ordinary Java code (I/O, computation) that an orchestration schedules by name. It
 * runs on a virtual thread of its own, may block, and may run more than once for one call (the
 * scheduler redelivers it if a worker stops or vanishes), so it should be idempotent.
 */
@FunctionalInterface
public interface Activity {

  /**
   * Runs the activity.
   *
   * @return the result (serialized with the worker's data converter), or null for none
   * @throws Exception any failure: the orchestration sees a {@code TaskFailedException} with its
   *     type, message and stack trace
   */
  Object run(ActivityContext context) throws Exception;

  /** The body of an activity that only needs its input; see {@code TaskhubWorker.Builder}. */
  @FunctionalInterface
  interface WithInput<I> {
    Object apply(I input) throws Exception;
  }
}
