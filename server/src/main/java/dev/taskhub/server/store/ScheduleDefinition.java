package dev.taskhub.server.store;

/**
 * What a schedule starts and when, as its owner set it: exactly one of {@code cron} and {@code
 * intervalMillis} is set (checked by {@code schedule.FireTimes}, which turns this into fire times).
 *
 * @param orchestration the orchestration name each run starts
 * @param version null for none
 * @param input the runs' input as JSON text, null for none
 * @param cron a five-field cron expression read in {@code timeZone}, or null
 * @param intervalMillis a fixed interval (fires at {@code startAt + k * interval}, or at multiples
 *     of it since the epoch without a start), or null
 * @param timeZone the IANA zone cron fields are read in
 * @param startAt no fire before this instant (epoch ms), or null
 * @param endAt no fire after this instant (epoch ms), or null
 * @param catchUpWindowMillis fire times missed by less than this are still fired after downtime
 */
public record ScheduleDefinition(
    String orchestration,
    String version,
    String input,
    String cron,
    Long intervalMillis,
    String timeZone,
    Long startAt,
    Long endAt,
    OverlapPolicy overlap,
    long catchUpWindowMillis) {}
