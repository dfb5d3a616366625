package dev.taskhub.server.engine;

import dev.taskhub.server.store.EntityStep;

/** What an entity's inbox asks for next (see {@link EntityPlanner}). */
sealed interface EntityPlan {
  /** Nothing it may run now: its inbox is empty, or all of it waits for a lock to be released. */
  record Idle() implements EntityPlan {}

  /** Lock messages the server applies itself, without a worker. */
  record Server(EntityStep step) implements EntityPlan {}

  /** Operations for a worker. */
  record Batch(EntityBatch batch) implements EntityPlan {}
}
