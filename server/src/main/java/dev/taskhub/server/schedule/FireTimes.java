package dev.taskhub.server.schedule;

import dev.taskhub.server.store.ScheduleDefinition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * A schedule's fire times: a cron expression in a time zone, or a fixed interval; never before its
 * start, never after its end. Fire times are whole seconds (cron: whole minutes).
 */
public final class FireTimes {
  /** The shortest interval a schedule may have. */
  public static final long MIN_INTERVAL_MILLIS = 1_000;

  private final CronExpression cron;
  private final long intervalMillis;
  private final ZoneId zone;
  private final Long startAt;
  private final Long endAt;

  private FireTimes(
      CronExpression cron, long intervalMillis, ZoneId zone, Long startAt, Long endAt) {
    this.cron = cron;
    this.intervalMillis = intervalMillis;
    this.zone = zone;
    this.startAt = startAt;
    this.endAt = endAt;
  }

  /**
   * @throws IllegalArgumentException naming the field, if the definition has not exactly one of a
   *     cron expression and an interval, or either is invalid, or its zone is unknown, or it ends
   *     before it starts
   */
  public static FireTimes of(ScheduleDefinition definition) {
    boolean hasCron = definition.cron() != null;
    boolean hasInterval = definition.intervalMillis() != null;
    if (hasCron == hasInterval) {
      throw new IllegalArgumentException(
          "a schedule needs exactly one of cron (e.g. \"0 2 * * *\") and interval (e.g. \"15m\")");
    }
    if (hasInterval
        && (definition.intervalMillis() < MIN_INTERVAL_MILLIS
            || definition.intervalMillis() % 1_000 != 0)) {
      throw new IllegalArgumentException("interval must be whole seconds, at least 1s");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(definition.timeZone());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "timeZone '" + definition.timeZone() + "' is no time zone (e.g. Europe/Berlin, UTC)");
    }
    if (definition.startAt() != null
        && definition.endAt() != null
        && definition.endAt() < definition.startAt()) {
      throw new IllegalArgumentException("endAt is before startAt");
    }
    return new FireTimes(
        hasCron ? CronExpression.parse(definition.cron()) : null,
        hasInterval ? definition.intervalMillis() : 0,
        zone,
        definition.startAt(),
        definition.endAt());
  }

  /** The first fire time strictly after {@code afterMillis}, or null when none is left. */
  public Long nextAfter(long afterMillis) {
    long after = afterMillis;
    if (startAt != null && after < startAt) {
      after = startAt - 1; // the start itself may be a fire time
    }
    Long next;
    if (cron != null) {
      Optional<Instant> instant = cron.next(Instant.ofEpochMilli(after), zone);
      next = instant.map(Instant::toEpochMilli).orElse(null);
    } else {
      long anchor = startAt == null ? 0 : startAt - Math.floorMod(startAt, 1_000);
      long steps = Math.floorDiv(after - anchor, intervalMillis) + 1;
      next = anchor + steps * intervalMillis;
    }
    return next == null || (endAt != null && next > endAt) ? null : next;
  }

  /**
   * How many fire times lie in {@code (afterMillis, beforeMillis)}, counted up to {@code cap}: the
   * fire times a catch-up skips.
   */
  public long countBetween(long afterMillis, long beforeMillis, long cap) {
    if (cron == null) {
      Long first = nextAfter(afterMillis);
      if (first == null || first >= beforeMillis) {
        return 0;
      }
      long last = endAt == null ? beforeMillis - 1 : Math.min(beforeMillis - 1, endAt);
      return Math.min(cap, (last - first) / intervalMillis + 1);
    }
    long count = 0;
    Long next = nextAfter(afterMillis);
    while (next != null && next < beforeMillis && count < cap) {
      count++;
      next = nextAfter(next);
    }
    return count;
  }
}
