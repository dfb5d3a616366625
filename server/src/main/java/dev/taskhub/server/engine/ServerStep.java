package dev.taskhub.server.engine;

import dev.taskhub.server.store.OrchestrationStep;
import dev.taskhub.server.store.OrchestrationWorkItem;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A step the server plans and applies itself, without a worker (termination of an instance no
 * worker can end, rewind). It takes the instance's flight like a worker's episode would, so it
 * never races one.
 */
interface ServerStep {
  /** The step to apply to the instance as loaded now, or empty if there is nothing to do. */
  Optional<OrchestrationStep> plan(OrchestrationWorkItem workItem, long now);

  /** Runs after the step committed (outside the hub's lock). */
  default void committed(OrchestrationStep step) {}

  /** A server step and the future completed once it ran (applied or found nothing to do). */
  record Pending(ServerStep step, CompletableFuture<Void> done) {
    Pending(ServerStep step) {
      this(step, new CompletableFuture<>());
    }
  }
}
