package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.store.OverlapPolicy;
import dev.taskhub.server.store.ScheduleDefinition;
import dev.taskhub.server.store.ScheduleRecord;
import dev.taskhub.server.store.ScheduleState;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * A schedule in JSON: the body of a create or update ({@code orchestration}, {@code cron} or {@code
 * interval}, {@code timeZone}, {@code startAt}, {@code endAt}, {@code overlap}, {@code
 * catchUpWindow}, {@code input}, {@code version}) and the answer (those plus the firing state).
 * Durations are {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d} or ISO-8601 ({@code PT15M});
 * instants ISO-8601 ({@code 2026-12-01T00:00:00Z}).
 */
final class ScheduleJson {
  /** When a body names none: fire times missed by up to a minute are still fired. */
  static final Duration DEFAULT_CATCH_UP = Duration.ofMinutes(1);

  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "orchestration",
          "version",
          "input",
          "cron",
          "interval",
          "timeZone",
          "startAt",
          "endAt",
          "overlap",
          "catchUpWindow");

  private ScheduleJson() {}

  /** The definition a create or update body describes; input that makes no sense is a 400. */
  static ScheduleDefinition definition(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new TaskhubException.InvalidArgument(
          "The request body must be a JSON object such as {\"id\": \"nightly\", \"orchestration\":"
              + " \"Report\", \"cron\": \"0 2 * * *\", \"timeZone\": \"Europe/Berlin\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            name -> {
              if (!FIELDS.contains(name)) {
                throw new TaskhubException.InvalidArgument(
                    "Unknown field '" + name + "'; a schedule has " + String.join(", ", FIELDS));
              }
            });
    String interval = Bodies.text(body, "interval");
    String overlap = Bodies.text(body, "overlap");
    String window = Bodies.text(body, "catchUpWindow");
    String zone = Bodies.text(body, "timeZone");
    JsonNode input = body.get("input");
    try {
      return new ScheduleDefinition(
          Bodies.text(body, "orchestration"),
          Bodies.text(body, "version"),
          input == null || input.isNull() ? null : input.toString(),
          Bodies.text(body, "cron"),
          interval == null ? null : duration("interval", interval).toMillis(),
          zone == null ? "UTC" : zone,
          instant(body, "startAt"),
          instant(body, "endAt"),
          overlap == null ? OverlapPolicy.SKIP : OverlapPolicy.parse(overlap),
          (window == null ? DEFAULT_CATCH_UP : duration("catchUpWindow", window)).toMillis());
    } catch (IllegalArgumentException e) {
      throw new TaskhubException.InvalidArgument(e.getMessage());
    }
  }

  static String id(JsonNode body) {
    return body == null || !body.isObject() ? null : Bodies.text(body, "id");
  }

  static ObjectNode of(ScheduleRecord schedule) {
    ScheduleDefinition definition = schedule.definition();
    ScheduleState state = schedule.state();
    ObjectNode json = Json.NODES.objectNode();
    json.put("id", schedule.scheduleId());
    json.put("hub", schedule.hub());
    json.put("orchestration", definition.orchestration());
    json.put("version", definition.version());
    json.set("input", Json.payload(definition.input()));
    json.put("cron", definition.cron());
    json.put(
        "interval",
        definition.intervalMillis() == null ? null : format(definition.intervalMillis()));
    json.put("timeZone", definition.timeZone());
    json.put("startAt", time(definition.startAt()));
    json.put("endAt", time(definition.endAt()));
    json.put("overlap", definition.overlap().wireName());
    json.put("catchUpWindow", format(definition.catchUpWindowMillis()));
    json.put("status", state.paused() ? "paused" : state.nextFireAt() == null ? "ended" : "active");
    json.put("nextRunAt", time(state.nextFireAt()));
    json.put("bufferedRunAt", time(state.bufferedFireAt()));
    json.put("lastRunAt", time(state.lastFireAt()));
    json.put("lastInstanceId", state.lastInstanceId());
    json.put("runs", state.runs());
    json.put("skipped", state.skipped());
    json.put("missed", state.missed());
    json.put("createdAt", Json.time(state.createdAt()));
    json.put("updatedAt", Json.time(state.updatedAt()));
    return json;
  }

  private static Long instant(JsonNode body, String name) {
    String text = Bodies.text(body, name);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new TaskhubException.InvalidArgument(
          name + " '" + text + "' is no ISO-8601 instant such as 2026-12-01T00:00:00Z");
    }
  }

  /** {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}, or ISO-8601 such as {@code PT15M}. */
  static Duration duration(String name, String text) {
    String t = text.strip();
    try {
      if (t.length() >= 2 && t.substring(0, t.length() - 1).chars().allMatch(Character::isDigit)) {
        long amount = Long.parseLong(t.substring(0, t.length() - 1));
        switch (t.charAt(t.length() - 1)) {
          case 's' -> {
            return Duration.ofSeconds(amount);
          }
          case 'm' -> {
            return Duration.ofMinutes(amount);
          }
          case 'h' -> {
            return Duration.ofHours(amount);
          }
          case 'd' -> {
            return Duration.ofDays(amount);
          }
          default -> {}
        }
      }
      return Duration.parse(t);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " '" + text + "' is no duration such as 30s, 15m, 12h, 7d or PT15M");
    }
  }

  private static String format(long millis) {
    long seconds = millis / 1_000;
    if (millis % 1_000 != 0) {
      return Duration.ofMillis(millis).toString();
    }
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  private static String time(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
