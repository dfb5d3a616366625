package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.server.store.InstanceRecord;

/** Instance rows as the management API's JSON. */
final class InstanceJson {
  /** The tag the SDKs set for a name to show instead of the orchestration's. */
  static final String DISPLAY_NAME_TAG = "durabletask.displayName";

  private InstanceJson() {}

  /** The row without payloads, for lists. */
  static ObjectNode summary(InstanceRecord instance) {
    ObjectNode json = Json.NODES.objectNode();
    json.put("hub", instance.key().hub());
    json.put("instanceId", instance.key().instanceId());
    json.put("name", instance.name());
    json.put("displayName", instance.tags().getOrDefault(DISPLAY_NAME_TAG, instance.name()));
    json.put("version", instance.version());
    json.put("status", Json.status(instance.status()));
    json.put("executionId", instance.executionId());
    json.put("parentInstanceId", instance.parentInstanceId());
    json.put("createdAt", Json.time(instance.createdAt()));
    json.put("lastUpdatedAt", Json.time(instance.lastUpdatedAt()));
    json.put("completedAt", Json.time(instance.completedAt()));
    json.put(
        "scheduledStartAt",
        instance.scheduledStartAt() > instance.createdAt()
            ? Json.time(instance.scheduledStartAt())
            : null);
    json.put("historyLength", instance.historyLength());
    json.set("tags", Json.MAPPER.valueToTree(instance.tags()));
    return json;
  }

  /** The row with input, output, custom status and failure. */
  static ObjectNode detail(InstanceRecord instance) {
    ObjectNode json = summary(instance);
    json.set("input", Json.payload(instance.input()));
    json.set("output", Json.payload(instance.output()));
    json.set("customStatus", Json.payload(instance.customStatus()));
    json.set(
        "failure",
        instance.failure() == null ? Json.NODES.nullNode() : Json.proto(instance.failure()));
    return json;
  }
}
