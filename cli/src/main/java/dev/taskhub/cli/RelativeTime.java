package dev.taskhub.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as people read them in a table: {@code 12s ago}, {@code in 5m}, {@code 3d ago}. */
final class RelativeTime {
  private static final DateTimeFormatter ABSOLUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private RelativeTime() {}

  /** {@code time} relative to {@code now}, in the largest whole unit. */
  static String of(Instant time, Instant now) {
    Duration distance = Duration.between(time, now);
    boolean past = !distance.isNegative();
    long seconds = distance.abs().toSeconds();
    if (seconds < 1) {
      return "just now";
    }
    String amount;
    if (seconds < 60) {
      amount = seconds + "s";
    } else if (seconds < 3600) {
      amount = seconds / 60 + "m";
    } else if (seconds < 86_400) {
      amount = seconds / 3600 + "h";
    } else {
      amount = seconds / 86_400 + "d";
    }
    return past ? amount + " ago" : "in " + amount;
  }

  /** {@code 2026-12-03 12:00:01Z (5m ago)}. */
  static String full(Instant time, Instant now) {
    return ABSOLUTE.format(time) + " (" + of(time, now) + ")";
  }
}
