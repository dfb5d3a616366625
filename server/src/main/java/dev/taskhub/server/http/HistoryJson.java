package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.protocol.HistoryEvent;
import java.util.Locale;

/**
 * History events for the management API: the protobuf JSON mapping of the event, plus {@code
 * eventType} (e.g. {@code TaskScheduled}) so that readers need not know the oneof's field names.
 */
final class HistoryJson {
  private HistoryJson() {}

  static ObjectNode event(HistoryEvent event) {
    ObjectNode json = Json.NODES.objectNode();
    String eventType = eventType(event);
    json.put("eventType", eventType);
    json.setAll(Json.proto(event));
    if (!json.has("eventId")) {
      json.put("eventId", event.getEventId());
    }
    // The JSON mapping omits zeros; a result naming task 0 must still say so.
    String body = eventType.substring(0, 1).toLowerCase(Locale.ROOT) + eventType.substring(1);
    if (json.get(body) instanceof ObjectNode fields) {
      switch (event.getEventTypeCase()) {
        case TASKCOMPLETED,
            TASKFAILED,
            SUBORCHESTRATIONINSTANCECOMPLETED,
            SUBORCHESTRATIONINSTANCEFAILED ->
            fields.putIfAbsent("taskScheduledId", Json.NODES.numberNode(0));
        case TIMERFIRED -> fields.putIfAbsent("timerId", Json.NODES.numberNode(0));
        default -> {}
      }
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
