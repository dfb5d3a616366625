package dev.taskhub.sdk.client;

import java.time.Instant;

/**
 * A recurring schedule as the scheduler reports it: its spec and where its firing stands.
 *
 * @param status {@code active}, {@code paused}, or {@code ended} (no fire time left)
 * @param nextRunAt the next fire time, or null
 * @param lastRunAt the fire time of the latest run, or null
 * @param lastInstanceId the latest run's instance id, or null
 * @param runs runs started
 * @param skipped fire times skipped because a run was still going
 * @param missed fire times older than the catch-up window after downtime
 */
public record Schedule(
    ScheduleSpec spec,
    String status,
    Instant nextRunAt,
    Instant lastRunAt,
    String lastInstanceId,
    long runs,
    long skipped,
    long missed) {}
