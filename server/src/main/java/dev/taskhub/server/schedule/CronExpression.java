package dev.taskhub.server.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Optional;

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week, as Vixie cron reads
 * them: lists, ranges, steps, names; a day matches if day-of-month or day-of-week does when both
 * are restricted), matched against wall-clock time in a zone.
 *
 * <p>cron-utils parses and matches wall-clock times; the zone is applied here, because what a
 * wall-clock time means on a DST change is a decision of ours: a time that does not exist (the hour
 * skipped in spring) fires at the first instant after the gap, once however many skipped times
 * matched; a time that exists twice (the hour repeated in autumn) fires once, at its first
 * occurrence.
 */
public final class CronExpression {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String text;
  private final ExecutionTime wallClock;

  private CronExpression(String text, ExecutionTime wallClock) {
    this.text = text;
    this.wallClock = wallClock;
  }

  /**
   * @throws IllegalArgumentException naming what is wrong if {@code text} is no five-field cron
   *     expression
   */
  public static CronExpression parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.split("\\s+").length != 5) {
      throw new IllegalArgumentException(
          "cron '"
              + text
              + "' must have five fields: minute hour day-of-month month day-of-week (e.g. '0 2 * * *')");
    }
    Cron cron;
    try {
      cron = PARSER.parse(trimmed).validate();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cron '" + text + "' is invalid: " + e.getMessage(), e);
    }
    return new CronExpression(trimmed, ExecutionTime.forCron(cron));
  }

  /** The first fire time strictly after {@code after} in {@code zone}, or empty if none. */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone);
    // A bound: every expression that can match at all matches within a few years (Feb 29).
    for (int i = 0; i < 10_000; i++) {
      Optional<LocalDateTime> match = nextWallClock(local);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      local = match.get();
      Instant instant = instantOf(local, zone);
      if (instant.isAfter(after)) {
        return Optional.of(instant);
      }
    }
    return Optional.empty();
  }

  private Optional<LocalDateTime> nextWallClock(LocalDateTime after) {
    return wallClock
        .nextExecution(after.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime);
  }

  /** A skipped wall-clock time → the end of its gap; a repeated one → its first occurrence. */
  private static Instant instantOf(LocalDateTime local, ZoneId zone) {
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = zone.getRules().getTransition(local);
      return gap.getInstant();
    }
    return local.toInstant(offsets.get(0));
  }

  @Override
  public String toString() {
    return text;
  }
}
