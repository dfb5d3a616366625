package dev.taskhub.server.engine;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Timers} on the system clock: one platform thread that starts tasks when they are due. */
public final class SystemTimers implements Timers {
  private static final Logger log = LoggerFactory.getLogger(SystemTimers.class);

  private final Clock clock;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("taskhub-timers").daemon().factory());

  public SystemTimers(Clock clock) {
    this.clock = clock;
  }

  /** Timers on the UTC system clock. */
  public static SystemTimers utc() {
    return new SystemTimers(Clock.systemUTC());
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public void at(long epochMillis, Runnable task) {
    long delay = Math.max(0, epochMillis - clock.millis());
    scheduler.schedule(guarded(task), delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public void every(long periodMillis, Runnable task) {
    scheduler.scheduleAtFixedRate(guarded(task), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** A periodic task that throws would never run again; log it and keep the schedule. */
  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("A scheduled task failed", e);
      }
    };
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
