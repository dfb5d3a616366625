package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.protocol.HistoryEvent;

/**
 * History events for the management API: the protobuf JSON mapping of the event, plus {@code
 * eventType} (e.g. {@code TaskScheduled}) so that readers need not know the oneof's field names.
 */
final class HistoryJson {
  private HistoryJson() {}

  static ObjectNode event(HistoryEvent event) {
    ObjectNode json = Json.NODES.objectNode();
    json.put("eventType", eventType(event));
    json.setAll(Json.proto(event));
    if (!json.has("eventId")) {
      json.put("eventId", event.getEventId());
    }
    return json;
  }

  /** {@code TASKSCHEDULED} → {@code TaskScheduled}, from the oneof field's name. */
  static String eventType(HistoryEvent event) {
    if (event.getEventTypeCase() == HistoryEvent.EventTypeCase.EVENTTYPE_NOT_SET) {
      return "Unknown";
    }
    String field =
        HistoryEvent.getDescriptor()
            .findFieldByNumber(event.getEventTypeCase().getNumber())
            .getJsonName();
    return Character.toUpperCase(field.charAt(0)) + field.substring(1);
  }
}
