package dev.taskhub.server.engine;

import dev.taskhub.server.store.ScheduleRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The instance ids of a schedule's runs: {@code <schedule id>-<fire time in UTC, ISO 8601 basic>},
 * e.g. {@code nightly-20261203T020000Z}, with milliseconds ({@code …T020000.250Z}) only when the
 * fire time has them (runs triggered by hand). The id is what makes a fire time start one run: the
 * store refuses a second instance of an id.
 */
final class ScheduleRuns {
  /** The tag every run carries, naming its schedule. */
  static final String TAG = "taskhub.schedule";

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ScheduleRuns() {}

  static String instanceId(ScheduleRecord schedule, long fireAt) {
    Instant instant = Instant.ofEpochMilli(fireAt);
    return schedule.scheduleId() + "-" + (fireAt % 1_000 == 0 ? SECONDS : MILLIS).format(instant);
  }
}
