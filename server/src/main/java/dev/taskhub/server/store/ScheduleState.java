package dev.taskhub.server.store;

/**
 * Where a schedule's firing stands. Every change writes {@code revision + 1}, and a write that
 * expects a revision the row no longer has is refused: that is how a fire time, taken by two nodes
 * or retried after a crash, starts one run.
 *
 * @param nextFireAt the next fire time (epoch ms), null when none is left (past its end)
 * @param bufferedFireAt a fire time kept by {@link OverlapPolicy#BUFFER_ONE} until the previous run
 *     ends, or null
 * @param lastFireAt the fire time of the latest run started, or null
 * @param lastInstanceId the instance id of the latest run started, or null
 * @param runs runs started
 * @param skipped fire times skipped because a run was still going
 * @param missed fire times skipped because they were older than the catch-up window
 */
public record ScheduleState(
    boolean paused,
    Long nextFireAt,
    Long bufferedFireAt,
    Long lastFireAt,
    String lastInstanceId,
    long runs,
    long skipped,
    long missed,
    long createdAt,
    long updatedAt,
    long revision) {

  public ScheduleState withNext(Long next, long now) {
    return new ScheduleState(
        paused,
        next,
        bufferedFireAt,
        lastFireAt,
        lastInstanceId,
        runs,
        skipped,
        missed,
        createdAt,
        now,
        revision + 1);
  }

  public ScheduleState withPaused(boolean paused, Long next, long now) {
    return new ScheduleState(
        paused,
        next,
        bufferedFireAt,
        lastFireAt,
        lastInstanceId,
        runs,
        skipped,
        missed,
        createdAt,
        now,
        revision + 1);
  }

  /** A run started for {@code fireAt} as {@code instanceId}. */
  public ScheduleState started(long fireAt, String instanceId, Long next, Long buffered, long now) {
    return new ScheduleState(
        paused,
        next,
        buffered,
        fireAt,
        instanceId,
        runs + 1,
        skipped,
        missed,
        createdAt,
        now,
        revision + 1);
  }

  /** Fire times passed over: {@code skipped} for overlap, {@code missed} for downtime. */
  public ScheduleState passedOver(
      Long next, Long buffered, long moreSkipped, long moreMissed, long now) {
    return new ScheduleState(
        paused,
        next,
        buffered,
        lastFireAt,
        lastInstanceId,
        runs,
        skipped + moreSkipped,
        missed + moreMissed,
        createdAt,
        now,
        revision + 1);
  }
}
