package dev.taskhub.server.engine;

/**
 * The one timer a node keeps for its schedules: armed, through {@link Timers}, for the earliest
 * fire time the node knows, so a fire time starts its run when the clock reaches it rather than at
 * the next poll. Arming a later time than the armed one changes nothing; an earlier one takes over.
 *
 * <p>{@link Timers} cannot cancel, so a time that was taken over still rings: it is recognised as
 * no longer armed and ignored. Each ring thus wakes the pass at most once, and the pass arms the
 * next time from the store.
 */
final class ScheduleAlarm {
  private static final long NONE = Long.MAX_VALUE;

  private final Timers timers;
  private final Runnable wake;
  private long armedAt = NONE; // guarded by this

  ScheduleAlarm(Timers timers, Runnable wake) {
    this.timers = timers;
    this.wake = wake;
  }

  /** Wakes the pass at {@code epochMillis} unless it is armed for that time or an earlier one. */
  void arm(long epochMillis) {
    synchronized (this) {
      if (epochMillis >= armedAt) {
        return;
      }
      armedAt = epochMillis;
    }
    timers.at(epochMillis, () -> ring(epochMillis));
  }

  private void ring(long epochMillis) {
    synchronized (this) {
      if (armedAt != epochMillis) {
        return; // an earlier time took over and rang already
      }
      armedAt = NONE;
    }
    wake.run();
  }
}
