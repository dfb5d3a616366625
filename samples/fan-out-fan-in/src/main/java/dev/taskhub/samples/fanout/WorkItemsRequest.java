package dev.taskhub.samples.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/fan_out_fan_in}: empty or {@code {}} means the default items; {@code
 * {"workItems": ["Task1", ...]}} names them.
 */
final class WorkItemsRequest {
  private WorkItemsRequest() {}

  /**
   * The work items {@code body} asks for.
   *
   * @throws BadRequestException if the body is not a JSON object, {@code workItems} is not a list
   *     of non-empty strings, or it has none or more than {@code maxItems}
   */
  static List<String> parse(byte[] body, List<String> defaults, int maxItems) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return defaults;
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadRequestException(
          "The body is not valid JSON: "
              + e.getOriginalMessage()
              + ". Send {} or {\"workItems\": [\"Task1\", ...]}");
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException(
          "The body must be a JSON object such as {\"workItems\": [\"Task1\"]}, was " + root);
    }
    JsonNode items = root.get("workItems");
    if (items == null) {
      return defaults;
    }
    if (!items.isArray()) {
      throw new BadRequestException("workItems must be a list of strings, was " + items);
    }
    if (items.isEmpty()) {
      throw new BadRequestException("workItems must name at least one item");
    }
    if (items.size() > maxItems) {
      throw new BadRequestException(
          "workItems has " + items.size() + " items; at most " + maxItems + " are allowed");
    }
    List<String> result = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isTextual()) {
        throw new BadRequestException("workItems[" + i + "] must be a string, was " + item);
      }
      if (item.asText().isBlank()) {
        throw new BadRequestException("workItems[" + i + "] must not be empty");
      }
      result.add(item.asText());
    }
    return List.copyOf(result);
  }
}
