package dev.taskhub.sdk.client;

import dev.taskhub.sdk.JacksonDataConverter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What a recurring schedule starts and when: made with {@link #cron} or {@link #every}, refined
 * with the {@code with…} methods. Unset fields take the scheduler's defaults (zone UTC, overlap
 * {@code skip}, a catch-up window of one minute).
 *
 * @param inputJson the runs' input as JSON text, or null
 * @param interval null for a cron schedule
 * @param cron null for an interval schedule
 */
public record ScheduleSpec(
    String id,
    String orchestration,
    String version,
    String inputJson,
    String cron,
    Duration interval,
    ZoneId timeZone,
    Instant startAt,
    Instant endAt,
    OverlapPolicy overlap,
    Duration catchUpWindow) {

  public ScheduleSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(orchestration, "orchestration");
  }

  /** Starts {@code orchestration} on a five-field cron expression ({@code 0 2 * * *}). */
  public static ScheduleSpec cron(String id, String orchestration, String cron) {
    return new ScheduleSpec(
        id,
        orchestration,
        null,
        null,
        Objects.requireNonNull(cron, "cron"),
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** Starts {@code orchestration} every {@code interval} (whole seconds, at least one). */
  public static ScheduleSpec every(String id, String orchestration, Duration interval) {
    return new ScheduleSpec(
        id,
        orchestration,
        null,
        null,
        null,
        Objects.requireNonNull(interval, "interval"),
        null,
        null,
        null,
        null,
        null);
  }

  /** The zone the cron fields are read in (DST changes included). */
  public ScheduleSpec withTimeZone(ZoneId zone) {
    return new ScheduleSpec(
        id,
        orchestration,
        version,
        inputJson,
        cron,
        interval,
        zone,
        startAt,
        endAt,
        overlap,
        catchUpWindow);
  }

  /** The runs' input, serialized as the SDK's default data converter does (JSON). */
  public ScheduleSpec withInput(Object input) {
    return withInputJson(input == null ? null : new JacksonDataConverter().serialize(input));
  }

  public ScheduleSpec withInputJson(String json) {
    return new ScheduleSpec(
        id,
        orchestration,
        version,
        json,
        cron,
        interval,
        timeZone,
        startAt,
        endAt,
        overlap,
        catchUpWindow);
  }

  public ScheduleSpec withVersion(String newVersion) {
    return new ScheduleSpec(
        id,
        orchestration,
        newVersion,
        inputJson,
        cron,
        interval,
        timeZone,
        startAt,
        endAt,
        overlap,
        catchUpWindow);
  }

  /** No fire before {@code start} nor after {@code end} (either may be null). */
  public ScheduleSpec withWindow(Instant start, Instant end) {
    return new ScheduleSpec(
        id,
        orchestration,
        version,
        inputJson,
        cron,
        interval,
        timeZone,
        start,
        end,
        overlap,
        catchUpWindow);
  }

  public ScheduleSpec withOverlap(OverlapPolicy policy) {
    return new ScheduleSpec(
        id,
        orchestration,
        version,
        inputJson,
        cron,
        interval,
        timeZone,
        startAt,
        endAt,
        policy,
        catchUpWindow);
  }

  /** Fire times missed by less than this (the scheduler was down) are still fired. */
  public ScheduleSpec withCatchUpWindow(Duration window) {
    return new ScheduleSpec(
        id,
        orchestration,
        version,
        inputJson,
        cron,
        interval,
        timeZone,
        startAt,
        endAt,
        overlap,
        window);
  }
}
