package dev.taskhub.sdk.entity;

import java.time.Instant;

/**
 * What an entity operation can do besides changing its state: signal entities and start
 * orchestrations. The messages are sent only if the operation succeeds, together with its state.
 */
public interface EntityContext {

  /** The id of the entity running the operation. */
  EntityInstanceId entityId();

  /**
   * Sends a one-way operation to an entity (this one too), delivered after this batch is saved.
   *
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if the input cannot be serialized
   */
  void signalEntity(EntityInstanceId id, String operation, Object input);

  /**
   * Like {@link #signalEntity(EntityInstanceId, String, Object)}, delivered no earlier than {@code
   * at}.
   */
  void signalEntity(EntityInstanceId id, String operation, Object input, Instant at);

  /**
   * Starts an orchestration with a new random instance id.
   *
   * @return the instance id
   * @throws dev.taskhub.sdk.TaskhubException.DataConversion if the input cannot be serialized
   */
  String startNewOrchestration(String name, Object input);

  /**
   * Starts an orchestration under the given instance id (null for a random one).
   *
   * @return the instance id
   */
  String startNewOrchestration(String name, Object input, String instanceId);
}
