package dev.taskhub.server.engine;

import com.google.protobuf.StringValue;
import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.schedule.FireTimes;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.InstanceRecord;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.OverlapPolicy;
import dev.taskhub.server.store.ScheduleFire;
import dev.taskhub.server.store.ScheduleRecord;
import dev.taskhub.server.store.ScheduleState;
import dev.taskhub.server.store.Store;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires one schedule's due work: a run buffered by {@code buffer_one} whose predecessor has ended,
 * then each fire time up to now in order. Fire times older than the catch-up window are passed over
 * and counted as missed; the others are fired as the overlap policy says. Each step is one guarded
 * store write ({@link Store#fireSchedule}, {@link Store#updateSchedule}); a step that finds the
 * schedule moved (another node fired it, or it was changed) stops: whoever moved it goes on.
 */
final class ScheduleFiring {
  private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);

  /**
   * Most missed fire times counted one by one (a cron schedule down for years counts this many).
   */
  private static final long MISSED_COUNT_CAP = 100_000;

  /** What the engine does around a fire: wake the new run, terminate a previous one. */
  interface Effects {
    void started(NewInstance run);

    void terminate(String hub, String instanceId, String reason);

    void fired(String hub, long lagMillis);
  }

  private final Store store;
  private final Effects effects;

  ScheduleFiring(Store store, Effects effects) {
    this.store = store;
    this.effects = effects;
  }

  void fire(ScheduleRecord due, long now) {
    FireTimes times = FireTimes.of(due.definition());
    ScheduleRecord schedule = due;
    ScheduleState state = schedule.state();
    if (state.bufferedFireAt() != null && !previousRunning(schedule)) {
      long fireAt = state.bufferedFireAt();
      schedule = start(schedule, fireAt, state.nextFireAt(), null, now, false);
      if (schedule == null) {
        return;
      }
    }
    while (schedule.state().nextFireAt() != null && schedule.state().nextFireAt() <= now) {
      state = schedule.state();
      long fireAt = state.nextFireAt();
      long windowStart = now - schedule.definition().catchUpWindowMillis();
      if (fireAt < windowStart) {
        long missed = 1 + times.countBetween(fireAt, windowStart, MISSED_COUNT_CAP);
        Long next = times.nextAfter(windowStart - 1);
        log.info(
            "Schedule {} of task hub {} missed {} fire times older than its catch-up window",
            schedule.scheduleId(),
            schedule.hub(),
            missed);
        schedule =
            passOver(schedule, state.passedOver(next, state.bufferedFireAt(), 0, missed, now));
      } else {
        schedule = fireAt(schedule, times, fireAt, now);
      }
      if (schedule == null) {
        return;
      }
    }
  }

  /** One fire time within the window, as the overlap policy says; null if the schedule moved. */
  private ScheduleRecord fireAt(ScheduleRecord schedule, FireTimes times, long fireAt, long now) {
    ScheduleState state = schedule.state();
    Long next = times.nextAfter(fireAt);
    OverlapPolicy overlap = schedule.definition().overlap();
    if (overlap == OverlapPolicy.ALLOW_ALL || !previousRunning(schedule)) {
      return start(schedule, fireAt, next, state.bufferedFireAt(), now, true);
    }
    return switch (overlap) {
      case SKIP -> passOver(schedule, state.passedOver(next, null, 1, 0, now));
      case BUFFER_ONE ->
          state.bufferedFireAt() == null
              ? passOver(schedule, state.passedOver(next, fireAt, 0, 0, now))
              : passOver(schedule, state.passedOver(next, state.bufferedFireAt(), 1, 0, now));
      case TERMINATE_PREVIOUS -> {
        effects.terminate(
            schedule.hub(),
            state.lastInstanceId(),
            "Terminated by schedule " + schedule.scheduleId() + ": its next run is starting");
        yield start(schedule, fireAt, next, null, now, true);
      }
      case ALLOW_ALL -> throw new IllegalStateException("started above");
    };
  }

  /**
   * Starts the run of {@code fireAt}; null if the schedule moved meanwhile.
   *
   * @param onTime false for a buffered run, late on purpose: its wait is no fire lag
   */
  private ScheduleRecord start(
      ScheduleRecord schedule, long fireAt, Long next, Long buffered, long now, boolean onTime) {
    String instanceId = ScheduleRuns.instanceId(schedule, fireAt);
    ScheduleRecord advanced =
        schedule.with(schedule.state().started(fireAt, instanceId, next, buffered, now));
    NewInstance run = run(schedule, instanceId, now);
    ScheduleFire outcome = store.fireSchedule(advanced, schedule.state().revision(), run);
    switch (outcome) {
      case LOST -> {
        return null;
      }
      case STARTED -> {
        effects.started(run);
        if (onTime) {
          effects.fired(schedule.hub(), Math.max(0, now - fireAt));
        }
      }
      case EXISTED ->
          log.info(
              "Schedule {} of task hub {}: instance {} exists already, not started again",
              schedule.scheduleId(),
              schedule.hub(),
              instanceId);
    }
    return advanced;
  }

  private ScheduleRecord passOver(ScheduleRecord schedule, ScheduleState newState) {
    ScheduleRecord advanced = schedule.with(newState);
    return store.updateSchedule(advanced, schedule.state().revision()) ? advanced : null;
  }

  /** Whether the latest run started has not ended (a run purged or never started has ended). */
  private boolean previousRunning(ScheduleRecord schedule) {
    String last = schedule.state().lastInstanceId();
    if (last == null) {
      return false;
    }
    Optional<InstanceRecord> instance = store.findInstance(new InstanceKey(schedule.hub(), last));
    return instance.isPresent() && !instance.get().isTerminal();
  }

  /** The run's instance, as {@code StartNewOrchestration} would create it now. */
  static NewInstance run(ScheduleRecord schedule, String instanceId, long now) {
    String version = schedule.definition().version();
    String input = schedule.definition().input();
    return Starts.of(
        new InstanceKey(schedule.hub(), instanceId),
        schedule.definition().orchestration(),
        version == null ? null : StringValue.of(version),
        input == null ? null : StringValue.of(input),
        Map.of(ScheduleRuns.TAG, schedule.scheduleId()),
        now,
        now,
        null);
  }

  /** For callers that must report a schedule-level refusal as an error. */
  static TaskhubException notFound(String hub, String scheduleId) {
    return new TaskhubException.NotFound(
        "Task hub '" + hub + "' has no schedule with ID '" + scheduleId + "'");
  }
}
