package dev.taskhub.server.engine;

import java.time.Clock;

/**
 * The engine's time: the clock every timestamp is read from, and the scheduler that runs work at an
 * instant of that clock (durable timers, delayed starts, lease expiry, health pings, node
 * heartbeats). One instance is made by the composition root and passed to every part, so a test can
 * drive all of them with one settable clock and no real waiting.
 */
public interface Timers extends AutoCloseable {
  /** The clock every part of the scheduler reads. */
  Clock clock();

  /**
   * Runs {@code task} once {@link #clock()} reaches {@code epochMillis} (at once if it has). Tasks
   * due at the same instant run in the order they were scheduled.
   */
  void at(long epochMillis, Runnable task);

  /**
   * Runs {@code task} every {@code periodMillis}, the first time one period from now, until {@link
   * #close()}. A run that throws is logged and the next one still runs.
   */
  void every(long periodMillis, Runnable task);

  /** Stops running tasks; scheduled ones are dropped. */
  @Override
  void close();
}
