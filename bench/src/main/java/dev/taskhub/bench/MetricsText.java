package dev.taskhub.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Reads a value out of a Prometheus text exposition (what a scheduler's {@code /metrics} answers):
 * the sum of the samples of one metric whose labels include the given ones, so that a series split
 * further (by a {@code node} label, say) still adds up.
 */
final class MetricsText {
  private MetricsText() {}

  /**
   * The sum of the samples of {@code name} that carry every label of {@code labels}, or empty when
   * there are none.
   *
   * @throws IllegalArgumentException if a sample of {@code name} cannot be parsed
   */
  static OptionalDouble sum(String text, String name, Map<String, String> labels) {
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name) || line.startsWith("#")) {
        continue;
      }
      String rest = line.substring(name.length());
      Map<String, String> present = Map.of();
      if (rest.startsWith("{")) {
        int close = rest.lastIndexOf('}');
        if (close < 0) {
          throw new IllegalArgumentException("Unterminated labels: " + line);
        }
        present = labels(rest.substring(1, close), line);
        rest = rest.substring(close + 1);
      } else if (!rest.startsWith(" ")) {
        continue; // another metric whose name starts with this one
      }
      if (!present.entrySet().containsAll(labels.entrySet())) {
        continue;
      }
      String[] fields = rest.strip().split("\\s+");
      try {
        total += Double.parseDouble(fields[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Not a sample value: " + line, e);
      }
      found = true;
    }
    return found ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  /** {@code a="x",b="y"} (values with {@code \"} and {@code \\} escapes) as a map. */
  private static Map<String, String> labels(String text, String line) {
    Map<String, String> labels = new HashMap<>();
    int i = 0;
    while (i < text.length()) {
      int equals = text.indexOf('=', i);
      if (equals < 0 || equals + 1 >= text.length() || text.charAt(equals + 1) != '"') {
        throw new IllegalArgumentException("Malformed labels: " + line);
      }
      String key = text.substring(i, equals).strip();
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      for (; j < text.length() && text.charAt(j) != '"'; j++) {
        char c = text.charAt(j);
        if (c == '\\' && j + 1 < text.length()) {
          char next = text.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      if (j >= text.length()) {
        throw new IllegalArgumentException("Unterminated label value: " + line);
      }
      labels.put(key, value.toString());
      i = j + 1;
      while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
        i++;
      }
    }
    return labels;
  }
}
