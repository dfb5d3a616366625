package dev.taskhub.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.TaskhubException;
import io.javalin.http.Context;

/** Reads optional JSON request bodies; malformed JSON is a 400 that says so. */
final class Bodies {
  private Bodies() {}

  /** The body as JSON, or null when it is empty. */
  static JsonNode json(Context ctx) {
    String body = ctx.body();
    if (body.isBlank()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new TaskhubException.InvalidArgument(
          "The request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The body re-serialized as compact JSON text (what workers receive), or null when empty. */
  static String jsonText(Context ctx) {
    JsonNode body = json(ctx);
    return body == null ? null : body.toString();
  }

  /** A string field of a JSON object body, or null when the body or the field is absent. */
  static String field(Context ctx, String name) {
    JsonNode body = json(ctx);
    if (body == null || body.isNull()) {
      return null;
    }
    if (!body.isObject()) {
      throw new TaskhubException.InvalidArgument("The request body must be a JSON object");
    }
    return text(body, name);
  }

  /**
   * A string field of a JSON object, or null when it is absent or null.
   *
   * @throws TaskhubException.InvalidArgument if it is not a string
   */
  static String text(JsonNode object, String name) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new TaskhubException.InvalidArgument(name + " must be a string");
    }
    return value.asText();
  }

  /** A boolean field of a JSON object body, {@code absent} when missing. */
  static boolean flag(Context ctx, String name, boolean absent) {
    JsonNode body = json(ctx);
    if (body == null || body.isNull() || !body.has(name)) {
      return absent;
    }
    if (!body.isObject() || !body.get(name).isBoolean()) {
      throw new TaskhubException.InvalidArgument(name + " must be true or false");
    }
    return body.get(name).asBoolean();
  }
}
