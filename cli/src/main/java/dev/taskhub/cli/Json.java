package dev.taskhub.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.taskhub.sdk.FailureDetails;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import java.io.UncheckedIOException;

/**
 * The JSON the commands write with {@code --output json}: instances with their payloads as JSON
 * values (not strings holding JSON), protocol messages as protobuf's JSON mapping, one compact
 * document per line.
 */
final class Json {
  // trailing tokens fail: "{} x" is not one JSON value
  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonFormat.Printer PROTO =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** One line of JSON. */
  static String line(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line of JSON for a protocol message (a history event). */
  static String line(MessageOrBuilder message) {
    try {
      return PROTO.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  /** A payload as the JSON it holds; a payload that is not JSON as a string; null as null. */
  static JsonNode payload(String serialized) {
    if (serialized == null) {
      return MAPPER.nullNode();
    }
    try {
      return MAPPER.readTree(serialized);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(serialized);
    }
  }

  /** An instance: ids, name, status, times (ISO-8601), tags, payloads and failure. */
  static ObjectNode instance(OrchestrationMetadata instance) {
    ObjectNode node = object();
    node.put("instanceId", instance.instanceId());
    node.put("name", instance.name());
    node.put("status", instance.status().name());
    node.put("version", instance.version().orElse(null));
    node.put("createdAt", instance.createdAt().toString());
    node.put("lastUpdatedAt", instance.lastUpdatedAt().toString());
    node.put("completedAt", instance.completedAt().map(Object::toString).orElse(null));
    node.put("executionId", instance.executionId().orElse(null));
    node.put("parentInstanceId", instance.parentInstanceId().orElse(null));
    ObjectNode tags = node.putObject("tags");
    instance.tags().forEach(tags::put);
    node.set("input", payload(instance.serializedInput()));
    node.set("output", payload(instance.serializedOutput()));
    node.set("customStatus", payload(instance.serializedCustomStatus()));
    node.set("failure", instance.failure().map(Json::failure).orElse(null));
    return node;
  }

  private static JsonNode failure(FailureDetails failure) {
    ObjectNode node = object();
    node.put("errorType", failure.errorType());
    node.put("message", failure.message());
    return node;
  }
}
