package dev.taskhub.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JSON argument: the JSON itself, or {@code @file} for a file's contents. */
final class JsonInput {
  private JsonInput() {}

  /** Jackson's message without the "(start marker at [Source: …])" it adds for arrays. */
  private static String withoutSource(String message) {
    int marker = message.indexOf(" (start marker");
    return marker < 0 ? message : message.substring(0, marker);
  }

  /**
   * Parses {@code value}, naming {@code what} (the option or parameter) if it is not JSON.
   *
   * @throws UsageError if the file cannot be read or the text is not one JSON value
   */
  static JsonNode parse(String what, String value) {
    String text = value;
    String source = what;
    if (value.startsWith("@")) {
      Path file = Path.of(value.substring(1));
      source = what + " file " + file;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new UsageError("cannot read " + source + ": " + e.getMessage());
      }
    }
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new UsageError(source + " is empty; give a JSON value such as '\"text\"' or '{}'");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new UsageError(
          source
              + " is not valid JSON: "
              + withoutSource(e.getOriginalMessage())
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()));
    }
  }
}
