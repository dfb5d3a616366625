package dev.taskhub.samples.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.taskhub.sdk.JacksonDataConverter;

/**
 * How the app reads and writes JSON: the SDK's mapper, printed with two-space indents and {@code
 * "key": value} as in the seed's README, so {@code curl} output is readable.
 */
public final class Json {
  static final ObjectMapper MAPPER = JacksonDataConverter.defaultMapper();
  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withArrayValueSpacing(Separators.Spacing.AFTER)
                      .withArrayEmptySeparator("")
                      .withObjectEmptySeparator(""))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter()));

  private Json() {}

  /** {@code value} as indented JSON. */
  public static String pretty(Object value) {
    try {
      return PRETTY.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write " + value.getClass() + " as JSON", e);
    }
  }

  /** A serialized payload as a JSON tree (a JSON string if it is not JSON), or null if absent. */
  static JsonNode tree(String serialized) {
    if (serialized == null) {
      return null;
    }
    try {
      return MAPPER.readTree(serialized);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(serialized);
    }
  }
}
