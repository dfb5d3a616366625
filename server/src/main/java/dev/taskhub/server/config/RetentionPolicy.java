package dev.taskhub.server.config;

import dev.taskhub.protocol.OrchestrationStatus;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How long ended instances are kept, per final status: {@code
 * completed=7d,failed=30d,terminated=7d} (units {@code s}, {@code m}, {@code h}, {@code d}). A
 * status it does not name is kept forever; {@link #NONE} keeps everything.
 */
public record RetentionPolicy(Map<OrchestrationStatus, Duration> keep) {
  /** Keeps every ended instance. */
  public static final RetentionPolicy NONE = new RetentionPolicy(Map.of());

  private static final Map<String, OrchestrationStatus> STATUSES =
      Map.of(
          "completed", OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED,
          "failed", OrchestrationStatus.ORCHESTRATION_STATUS_FAILED,
          "terminated", OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED,
          "canceled", OrchestrationStatus.ORCHESTRATION_STATUS_CANCELED);

  public RetentionPolicy {
    EnumMap<OrchestrationStatus, Duration> copy = new EnumMap<>(OrchestrationStatus.class);
    copy.putAll(keep);
    copy.forEach(
        (status, duration) -> {
          if (!STATUSES.containsValue(status)) {
            throw new IllegalArgumentException(status + " is not a final status");
          }
          if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + duration);
          }
        });
    keep = Map.copyOf(copy);
  }

  /**
   * Reads {@code completed=7d,failed=30d,terminated=7d}; empty text is {@link #NONE}.
   *
   * @throws IllegalArgumentException naming the part that is not of that form
   */
  public static RetentionPolicy parse(String text) {
    Map<OrchestrationStatus, Duration> keep = new EnumMap<>(OrchestrationStatus.class);
    for (String part : text.split(",")) {
      String entry = part.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int equals = entry.indexOf('=');
      OrchestrationStatus status =
          equals < 0
              ? null
              : STATUSES.get(entry.substring(0, equals).strip().toLowerCase(Locale.ROOT));
      if (status == null) {
        throw new IllegalArgumentException(
            "'"
                + entry
                + "' is not STATUS=DURATION with STATUS one of completed, failed, terminated,"
                + " canceled (e.g. completed=7d)");
      }
      keep.put(status, duration(entry.substring(equals + 1).strip()));
    }
    return new RetentionPolicy(keep);
  }

  /** {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}. */
  private static Duration duration(String text) {
    if (text.length() < 2
        || !text.substring(0, text.length() - 1).chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 30s, 15m, 12h or 7d");
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (text.charAt(text.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default ->
          throw new IllegalArgumentException(
              "'" + text + "' is not a duration such as 30s, 15m, 12h or 7d");
    };
  }

  /** The policy in the form {@link #parse} reads, in a fixed order. */
  public String format() {
    StringJoiner parts = new StringJoiner(",");
    for (Map.Entry<String, OrchestrationStatus> name :
        new java.util.TreeMap<>(STATUSES).entrySet()) {
      Duration duration = keep.get(name.getValue());
      if (duration != null) {
        parts.add(name.getKey() + "=" + formatDuration(duration));
      }
    }
    return parts.toString();
  }

  private static String formatDuration(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  @Override
  public String toString() {
    return keep.isEmpty() ? "keep everything" : format();
  }
}
