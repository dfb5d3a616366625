package dev.taskhub.sdk.orchestration;

/**
 * An orchestrator: durable, replayed code that coordinates activities, timers, events and
 * sub-orchestrations through its {@link OrchestrationContext}. Register it with a worker under a
 * name; a lambda or a class both work.
 *
 * <p>It is run again from the start whenever its history is replayed, so it must be deterministic:
 * take time from {@link OrchestrationContext#currentInstant()}, ids from {@link
 * OrchestrationContext#newUuid()}, and do all I/O in activities. It runs on a thread of its own and
 * blocks in {@link Task#await()}; it must not start threads or use executors.
 */
@FunctionalInterface
public interface Orchestration {

  /**
   * Runs the orchestration.
   *
   * @return the output (serialized with the worker's data converter), or null for none
   * @throws Exception any failure: the instance ends FAILED with its details
   */
  Object run(OrchestrationContext context) throws Exception;
}
