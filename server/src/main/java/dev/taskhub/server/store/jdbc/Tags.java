package dev.taskhub.server.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskhub.server.TaskhubException;
import java.util.Map;

/**
 * Instance tags as a JSON object in one column: small, rarely queried, readable in the database.
 */
final class Tags {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private Tags() {}

  static String toJson(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(tags);
    } catch (JsonProcessingException e) {
      throw new TaskhubException("Cannot encode instance tags", e);
    }
  }

  /**
   * The text {@link #toJson} writes for one tag, {@code "key":"value"}: a stored object holds the
   * tag exactly when its text contains this (quotes inside keys and values are escaped, so the
   * fragment cannot start or end inside another string).
   */
  static String fragment(String key, String value) {
    try {
      return JSON.writeValueAsString(key) + ":" + JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new TaskhubException("Cannot encode a tag", e);
    }
  }

  static Map<String, String> fromJson(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return Map.copyOf(JSON.readValue(json, MAP));
    } catch (JsonProcessingException e) {
      throw new TaskhubException("Stored instance tags are corrupt", e);
    }
  }
}
