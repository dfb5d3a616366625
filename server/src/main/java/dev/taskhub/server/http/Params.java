package dev.taskhub.server.http;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.config.ServerConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and checks request parameters; every failure names the parameter and the bad value. */
final class Params {
  private Params() {}

  static String instanceId(Context ctx) {
    String id = ctx.pathParam("instanceId");
    if (id.isEmpty()) {
      throw new TaskhubException.InvalidArgument("instanceId is required");
    }
    if (id.length() > ServerConfig.MAX_INSTANCE_ID_LENGTH) {
      throw new TaskhubException.InvalidArgument(
          "instanceId is "
              + id.length()
              + " characters long; the limit is "
              + ServerConfig.MAX_INSTANCE_ID_LENGTH);
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      throw new TaskhubException.InvalidArgument("instanceId must not contain control characters");
    }
    return id;
  }

  /** Statuses from repeated or comma-separated values: {@code Running}, {@code RUNNING}, ... */
  static Set<OrchestrationStatus> statuses(Context ctx, String name) {
    Set<OrchestrationStatus> statuses = EnumSet.noneOf(OrchestrationStatus.class);
    for (String value : ctx.queryParams(name)) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          statuses.add(status(name, part.strip()));
        }
      }
    }
    return statuses;
  }

  static OrchestrationStatus status(String name, String value) {
    String wanted = normalize(value);
    for (OrchestrationStatus status : OrchestrationStatus.values()) {
      if (status != OrchestrationStatus.UNRECOGNIZED
          && normalize(Json.status(status)).equals(wanted)) {
        return status;
      }
    }
    throw new TaskhubException.InvalidArgument(
        name + " '" + value + "' is not a status; use one of " + statusNames());
  }

  private static String normalize(String status) {
    return status.toUpperCase(Locale.ROOT).replace("ORCHESTRATION_STATUS_", "").replace("_", "");
  }

  private static List<String> statusNames() {
    return EnumSet.complementOf(EnumSet.of(OrchestrationStatus.UNRECOGNIZED)).stream()
        .map(Json::status)
        .toList();
  }

  /** An instant as ISO-8601 (with offset) or epoch milliseconds; {@code absent} when missing. */
  static long time(Context ctx, String name, long absent) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return absent;
    }
    value = value.strip();
    if (value.chars().allMatch(Character::isDigit) && value.length() <= 15) {
      return Long.parseLong(value);
    }
    try {
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(value).toInstant().toEpochMilli();
      } catch (DateTimeParseException again) {
        throw new TaskhubException.InvalidArgument(
            name + " '" + value + "' is not a time; use ISO-8601, e.g. 2025-01-31T12:00:00Z");
      }
    }
  }

  static int integer(Context ctx, String name, int absent, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed < min || parsed > max) {
        throw new TaskhubException.InvalidArgument(
            name + " must be between " + min + " and " + max + ", was " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new TaskhubException.InvalidArgument(name + " '" + value + "' is not a number");
    }
  }

  static boolean flag(Context ctx, String name, boolean absent) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return absent;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new TaskhubException.InvalidArgument(
              name + " '" + value + "' is not a boolean; use true or false");
    };
  }

  static String text(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null ? "" : value;
  }

  /**
   * Tags to filter by, from repeated {@code name=key=value} parameters (the first {@code =} of the
   * value separates key and value).
   */
  static Map<String, String> tags(Context ctx, String name) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String value : ctx.queryParams(name)) {
      int separator = value.indexOf('=');
      if (separator <= 0) {
        throw new TaskhubException.InvalidArgument(name + " '" + value + "' is not key=value");
      }
      tags.put(value.substring(0, separator), value.substring(separator + 1));
    }
    return tags;
  }

  /** Checks that a time range is not inverted. */
  static void range(String fromName, long from, String toName, long to) {
    if (from > to) {
      throw new TaskhubException.InvalidArgument(fromName + " is after " + toName);
    }
  }
}
