package dev.taskhub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.taskhub.protocol.OrchestrationStatus;
import java.time.Instant;

/** JSON building blocks shared by the routes: payloads, protobuf messages, times, statuses. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFormat.Printer PROTO =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private Json() {}

  /**
   * A stored payload (JSON text written by a worker's data converter) as a JSON value; text that is
   * not JSON stays a string, and null stays null.
   */
  static JsonNode payload(String text) {
    if (text == null) {
      return NODES.nullNode();
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return NODES.textNode(text);
    }
  }

  /** A protobuf message in its canonical JSON mapping (wrapper types as plain values). */
  static ObjectNode proto(MessageOrBuilder message) {
    try {
      return (ObjectNode) MAPPER.readTree(PROTO.print(message));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("Could not render " + message.getClass().getSimpleName(), e);
    }
  }

  /** Epoch milliseconds as ISO-8601 UTC, or null for 0 (unset). */
  static String time(long epochMillis) {
    return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  /** {@code ORCHESTRATION_STATUS_RUNNING} → {@code RUNNING}. */
  static String status(OrchestrationStatus status) {
    return status.name().replace("ORCHESTRATION_STATUS_", "");
  }
}
