package dev.taskhub.server.engine;

import dev.taskhub.server.TaskhubException;
import dev.taskhub.server.schedule.FireTimes;
import dev.taskhub.server.store.NewInstance;
import dev.taskhub.server.store.ScheduleDefinition;
import dev.taskhub.server.store.ScheduleFire;
import dev.taskhub.server.store.ScheduleRecord;
import dev.taskhub.server.store.ScheduleState;
import dev.taskhub.server.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring schedules: each starts an orchestration on a cron expression or an interval, as its
 * overlap policy and catch-up window say (see {@link ScheduleFiring}).
 *
 * <p>A pass runs one at a time on every node: it reads the due schedules of every hub from the
 * store and fires up to {@value #PARALLEL_FIRES} of them at once (so SQLite's group commit batches
 * their writes), then arms the node's {@link ScheduleAlarm} for the earliest fire time left in the
 * store. So a pass runs when a fire time comes (and when a change here moved one sooner), at once
 * after a change, {@value #RETRY_MILLIS} ms after a pass that found due work (a buffered run waits
 * for its predecessor to end; the store failed), and every {@value #SAFETY_POLL_MILLIS} ms whatever
 * happens: that poll is what picks up schedules created or changed on other nodes. Nothing is kept
 * between passes but the alarm's time: the store's {@code next_fire_at} says what is due, so a
 * restart fires what came due while it was down (within the catch-up window), and guarded writes
 * make several nodes fire a fire time once.
 *
 * <p>Every change through this class is a read, a decision and a write guarded by the revision
 * read, retried when a pass moved the schedule in between.
 */
public final class Schedules {
  private static final Logger log = LoggerFactory.getLogger(Schedules.class);

  static final long SAFETY_POLL_MILLIS = 5_000;
  static final long RETRY_MILLIS = 1_000;
  static final int DUE_PER_PASS = 10_000;
  static final int PARALLEL_FIRES = 64;
  private static final int CHANGE_ATTEMPTS = 20;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

  private final Store store;
  private final Clock clock;
  private final ExecutorService executor;
  private final ScheduleFiring firing;
  private final ScheduleFiring.Effects effects;
  private final TaskHubs hubs;
  private final CoalescedPasses passes;
  private final Timers timers;
  private final ScheduleAlarm alarm;

  /**
   * Whether the latest pass found due work (or could not look): then a buffered run may be waiting
   * for its predecessor to end, so the next pass comes a tick later, not at the next poll.
   */
  private volatile boolean dueSeen;

  Schedules(
      Store store,
      Timers timers,
      ExecutorService executor,
      TaskHubs hubs,
      ScheduleFiring.Effects effects) {
    this.store = store;
    this.timers = timers;
    this.clock = timers.clock();
    this.executor = executor;
    this.passes = new CoalescedPasses(executor, this::pass);
    this.alarm = new ScheduleAlarm(timers, this::runSoon);
    this.hubs = hubs;
    this.effects = effects;
    this.firing = new ScheduleFiring(store, effects);
  }

  void start() {
    timers.every(SAFETY_POLL_MILLIS, this::runSoon);
    timers.every(RETRY_MILLIS, this::retryIfDueSeen);
    runSoon();
  }

  /** The hub's schedules, by id. */
  public List<ScheduleRecord> list(String hub) {
    return store.schedules(hub);
  }

  /**
   * @throws TaskhubException.NotFound if the hub has no such schedule
   */
  public ScheduleRecord get(String hub, String scheduleId) {
    return store
        .findSchedule(hub, scheduleId)
        .orElseThrow(() -> ScheduleFiring.notFound(hub, scheduleId));
  }

  /**
   * Creates a schedule; its first fire time is the first after now (and not before its start).
   *
   * @throws TaskhubException.InvalidArgument if the id or the definition is invalid
   * @throws TaskhubException.AlreadyExists if the hub has a schedule of that id
   */
  public ScheduleRecord create(String hub, String scheduleId, ScheduleDefinition definition) {
    if (scheduleId == null || !ID.matcher(scheduleId).matches()) {
      throw new TaskhubException.InvalidArgument(
          "schedule id '"
              + scheduleId
              + "' must be 1 to 100 letters, digits and . _ : - starting with a letter or digit");
    }
    FireTimes times = validated(definition);
    long now = clock.millis();
    ScheduleRecord schedule =
        new ScheduleRecord(
            hub,
            scheduleId,
            definition,
            new ScheduleState(false, times.nextAfter(now), null, null, null, 0, 0, 0, now, now, 0));
    store.createSchedule(schedule);
    log.info("Schedule {} of task hub {} created", scheduleId, hub);
    armFor(schedule); // its first fire time is after now: nothing for a pass to do before it
    return schedule;
  }

  /**
   * Replaces a schedule's definition; its next fire time is the first after now by the new one.
   * Counts, the latest run and a paused state are kept.
   *
   * @throws TaskhubException.InvalidArgument if the definition is invalid
   * @throws TaskhubException.NotFound if the hub has no such schedule
   */
  public ScheduleRecord update(String hub, String scheduleId, ScheduleDefinition definition) {
    FireTimes times = validated(definition);
    return change(
        hub,
        scheduleId,
        schedule -> {
          long now = clock.millis();
          return schedule.with(definition, schedule.state().withNext(times.nextAfter(now), now));
        });
  }

  /**
   * Stops firing until {@link #resume}; runs already started go on.
   *
   * @throws TaskhubException.NotFound if the hub has no such schedule
   */
  public ScheduleRecord pause(String hub, String scheduleId) {
    return change(
        hub,
        scheduleId,
        schedule ->
            schedule.with(
                schedule.state().withPaused(true, schedule.state().nextFireAt(), clock.millis())));
  }

  /**
   * Fires again from now on: the fire times that passed while it was paused are not caught up.
   *
   * @throws TaskhubException.NotFound if the hub has no such schedule
   */
  public ScheduleRecord resume(String hub, String scheduleId) {
    return change(
        hub,
        scheduleId,
        schedule -> {
          long now = clock.millis();
          Long next = FireTimes.of(schedule.definition()).nextAfter(now);
          return schedule.with(schedule.state().withPaused(false, next, now));
        });
  }

  /**
   * Starts a run now, whatever the overlap policy and even when paused; the next fire time stays.
   *
   * @return the run's instance id ({@code <schedule id>-<now>})
   * @throws TaskhubException.NotFound if the hub has no such schedule
   * @throws TaskhubException.AlreadyExists if a run of this very millisecond exists
   */
  public String trigger(String hub, String scheduleId) {
    for (int attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      ScheduleRecord schedule = get(hub, scheduleId);
      long now = clock.millis();
      String instanceId = ScheduleRuns.instanceId(schedule, now);
      ScheduleState state = schedule.state();
      ScheduleRecord advanced =
          schedule.with(
              state.started(now, instanceId, state.nextFireAt(), state.bufferedFireAt(), now));
      NewInstance run = ScheduleFiring.run(schedule, instanceId, now);
      ScheduleFire outcome = store.fireSchedule(advanced, state.revision(), run);
      if (outcome == ScheduleFire.EXISTED) {
        throw new TaskhubException.AlreadyExists(
            "An instance with ID '" + instanceId + "' already exists");
      }
      if (outcome == ScheduleFire.STARTED) {
        effects.started(run);
        log.info("Schedule {} of task hub {} triggered: {}", scheduleId, hub, instanceId);
        armFor(advanced);
        return instanceId;
      }
    }
    throw contended(hub, scheduleId);
  }

  /**
   * Deletes a schedule; its runs are left alone.
   *
   * @throws TaskhubException.NotFound if the hub has no such schedule
   */
  public void delete(String hub, String scheduleId) {
    if (!store.deleteSchedule(hub, scheduleId)) {
      throw ScheduleFiring.notFound(hub, scheduleId);
    }
    log.info("Schedule {} of task hub {} deleted", scheduleId, hub);
  }

  private ScheduleRecord change(
      String hub, String scheduleId, UnaryOperator<ScheduleRecord> change) {
    for (int attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      ScheduleRecord schedule = get(hub, scheduleId);
      ScheduleRecord changed = change.apply(schedule);
      if (store.updateSchedule(changed, schedule.state().revision())) {
        armFor(changed);
        runSoon();
        return changed;
      }
    }
    throw contended(hub, scheduleId);
  }

  private static TaskhubException contended(String hub, String scheduleId) {
    return new TaskhubException.FailedPrecondition(
        "Schedule '" + scheduleId + "' of task hub '" + hub + "' kept changing; try again");
  }

  private static FireTimes validated(ScheduleDefinition definition) {
    if (definition.orchestration() == null || definition.orchestration().isBlank()) {
      throw new TaskhubException.InvalidArgument(
          "orchestration (the name each run starts) is required");
    }
    if (definition.catchUpWindowMillis() < 0) {
      throw new TaskhubException.InvalidArgument("catchUpWindow must not be negative");
    }
    try {
      return FireTimes.of(definition);
    } catch (IllegalArgumentException e) {
      throw new TaskhubException.InvalidArgument(e.getMessage());
    }
  }

  // ---------------------------------------------------------------- the firing loop

  /** Starts a pass unless one runs; one that runs then goes round once more. */
  void runSoon() {
    passes.request();
  }

  private void armFor(ScheduleRecord schedule) {
    Long next = schedule.state().nextFireAt();
    if (next != null && !schedule.state().paused()) {
      alarm.arm(next);
    }
  }

  /** Fires every due schedule of a served hub, then arms the alarm; returns how many it saw. */
  int pass() {
    long now = clock.millis();
    List<ScheduleRecord> due = fireDue(now);
    armNext(now);
    return due.size();
  }

  /**
   * Arms the alarm for the store's earliest fire time. One that has passed is work this pass left
   * (a hub served elsewhere, a failed fire, more than {@value #DUE_PER_PASS} due): the retry tick
   * takes it, rather than an alarm ringing at once in a loop.
   */
  private void armNext(long now) {
    OptionalLong next;
    try {
      next = store.nextScheduleFireAt();
    } catch (TaskhubException e) {
      log.warn("Schedules' next fire time not read: {}", e.getMessage());
      return; // the safety poll runs the next pass
    }
    if (next.isEmpty()) {
      return;
    }
    if (next.getAsLong() > now) {
      alarm.arm(next.getAsLong());
    } else {
      dueSeen = true;
    }
  }

  /** The retry tick: a pass a second after one that found work, until one finds none. */
  private void retryIfDueSeen() {
    if (dueSeen) {
      runSoon();
    }
  }

  /** Fires the due schedules of served hubs; returns them (empty if the store failed). */
  private List<ScheduleRecord> fireDue(long now) {
    List<ScheduleRecord> due;
    try {
      due = store.dueSchedules(now, DUE_PER_PASS);
    } catch (TaskhubException e) {
      log.warn("Schedule pass skipped: {}", e.getMessage());
      dueSeen = true;
      return List.of();
    }
    // Set before firing: a buffered run this pass records is then retried by the next tick.
    dueSeen = !due.isEmpty();
    Semaphore slots = new Semaphore(PARALLEL_FIRES);
    List<Future<?>> fires = new ArrayList<>(due.size());
    for (ScheduleRecord schedule : due) {
      if (hubs.find(schedule.hub()).isEmpty()) {
        continue; // a hub this node does not serve (no longer, or not yet)
      }
      slots.acquireUninterruptibly();
      fires.add(
          executor.submit(
              () -> {
                try {
                  // Its own time, not the pass's: the run is stamped when it is created, so its
                  // createdAt and the fire lag count the wait for a slot behind other fires.
                  firing.fire(schedule, clock.millis());
                } catch (TaskhubException | IllegalArgumentException e) {
                  log.warn(
                      "Schedule {} of task hub {} not fired: {}",
                      schedule.scheduleId(),
                      schedule.hub(),
                      e.getMessage());
                } finally {
                  slots.release();
                }
              }));
    }
    for (Future<?> fire : fires) {
      try {
        fire.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        log.warn("Schedule fire failed", e.getCause());
      }
    }
    return due;
  }
}
