package dev.taskhub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.Statuses;
import java.util.List;
import java.util.Set;

/**
 * The management operations both HTTP APIs offer, with the state checks that make an action on the
 * wrong state an error (terminating an ended instance, resuming a running one) instead of a silent
 * no-op. The engine re-checks what matters under its own guards, so a race between the check here
 * and the action can only end in the engine's answer.
 */
final class InstanceActions {
  private static final int MAX_EVENT_NAME_LENGTH = 1024;

  private final Engine engine;

  InstanceActions(Engine engine) {
    this.engine = engine;
  }

  /** The hubs served now (hubs may be created and deleted at run time). */
  List<String> hubs() {
    return engine.hubs();
  }

  /** The served hub of this name (case ignored). */
  String hub(String hub) {
    return engine
        .findHub(hub)
        .orElseThrow(() -> new TaskhubException.NotFound("Task hub not found: " + hub));
  }

  InstanceRecord get(String hub, String instanceId) {
    return engine
        .getInstance(hub(hub), instanceId)
        .orElseThrow(
            () ->
                new TaskhubException.NotFound(
                    "No instance with ID '" + instanceId + "' was found in task hub " + hub));
  }

  void terminate(String hub, String instanceId, String reason) {
    InstanceRecord instance = get(hub, instanceId);
    requireNotEnded(instance, "terminate");
    engine.terminate(
        hub, instanceId, reason == null ? null : payload("reason", json(reason)), true);
  }

  void suspend(String hub, String instanceId, String reason) {
    InstanceRecord instance = get(hub, instanceId);
    requireNotEnded(instance, "suspend");
    if (instance.status() == OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED) {
      throw wrongState(instance, "suspend");
    }
    engine.suspend(hub, instanceId, reason == null ? null : StringValue.of(reason));
  }

  void resume(String hub, String instanceId, String reason) {
    InstanceRecord instance = get(hub, instanceId);
    if (instance.status() != OrchestrationStatus.ORCHESTRATION_STATUS_SUSPENDED) {
      throw wrongState(instance, "resume");
    }
    engine.resume(hub, instanceId, reason == null ? null : StringValue.of(reason));
  }

  /**
   * Raises an external event.
   *
   * @param data the event's payload as JSON text, or null for none
   */
  void raiseEvent(String hub, String instanceId, String eventName, String data) {
    if (eventName.isBlank() || eventName.length() > MAX_EVENT_NAME_LENGTH) {
      throw new TaskhubException.InvalidArgument(
          "eventName must be 1 to " + MAX_EVENT_NAME_LENGTH + " characters");
    }
    InstanceRecord instance = get(hub, instanceId);
    requireNotEnded(instance, "raise an event for");
    engine.raiseEvent(
        hub, instanceId, eventName, data == null ? null : payload("event data", data));
  }

  /**
   * Starts an ended instance again from its original input, under the same id or a new one.
   *
   * @return the id of the new run
   */
  String restart(String hub, String instanceId, boolean newInstanceId) {
    return engine.restart(hub(hub), instanceId, newInstanceId);
  }

  /**
   * Rewinds a failed instance: its failed work runs again (asynchronously).
   *
   * @throws TaskhubException.NotFound if there is no such instance
   * @throws TaskhubException.FailedPrecondition if it is not FAILED
   */
  void rewind(String hub, String instanceId, String reason) {
    engine.rewind(hub(hub), instanceId);
  }

  /**
   * Deletes an ended instance.
   *
   * @throws TaskhubException.NotFound if there is no such instance
   * @throws TaskhubException.FailedPrecondition if it has not ended
   */
  void purge(String hub, String instanceId) {
    if (!engine.purge(hub(hub), instanceId)) {
      throw new TaskhubException.NotFound(
          "No instance with ID '" + instanceId + "' was found in task hub " + hub);
    }
  }

  /** Deletes the ended instances created in the range with one of the statuses (any if empty). */
  int purge(String hub, long createdFrom, long createdTo, Set<OrchestrationStatus> statuses) {
    for (OrchestrationStatus status : statuses) {
      if (!status.equals(OrchestrationStatus.UNRECOGNIZED) && !Statuses.isTerminal(status)) {
        throw new TaskhubException.InvalidArgument(
            "Only ended instances can be purged; " + Json.status(status) + " is not an end state");
      }
    }
    return engine.purge(hub(hub), createdFrom, createdTo, statuses);
  }

  private StringValue payload(String field, String value) {
    String problem = engine.payloadLimit().check(field, value);
    if (problem != null) {
      throw new TaskhubException.InvalidArgument(problem);
    }
    return StringValue.of(value);
  }

  private static void requireNotEnded(InstanceRecord instance, String operation) {
    if (instance.isTerminal()) {
      throw wrongState(instance, operation);
    }
  }

  private static TaskhubException wrongState(InstanceRecord instance, String operation) {
    return new TaskhubException.FailedPrecondition(
        "Cannot "
            + operation
            + " instance '"
            + instance.key().instanceId()
            + "': it is "
            + Json.status(instance.status()));
  }

  private static String json(String text) {
    try {
      return Json.MAPPER.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
