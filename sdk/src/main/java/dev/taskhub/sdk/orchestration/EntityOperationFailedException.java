package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.entity.EntityInstanceId;

/**
 * Thrown by {@link Task#await()} when an entity operation called with {@link
 * OrchestrationContext#callEntity} failed: carries the failure as the entity reported it (type,
 * message and stack trace of the exception the operation threw, or {@code EntityTaskNotFound}).
 * Left uncaught, it fails the orchestration, whose failure details then name this exception with
 * the operation's failure as the cause.
 */
public final class EntityOperationFailedException extends TaskhubException {
  private final EntityInstanceId entityId;
  private final String operation;
  private final FailureDetails failure;

  public EntityOperationFailedException(
      EntityInstanceId entityId, String operation, FailureDetails failure) {
    super("Operation '" + operation + "' of entity " + entityId + " failed: " + failure);
    this.entityId = entityId;
    this.operation = operation;
    this.failure = failure;
  }

  /** The entity called. */
  public EntityInstanceId entityId() {
    return entityId;
  }

  /** The operation name. */
  public String operation() {
    return operation;
  }

  /** The operation's failure. */
  public FailureDetails failure() {
    return failure;
  }
}
