package dev.taskhub.server.store;

/** What {@link Store#fireSchedule} did. */
public enum ScheduleFire {
  /** The schedule moved on and the run's instance was created. */
  STARTED,
  /** The schedule moved on; an instance with the run's id existed already and was left alone. */
  EXISTED,
  /** The schedule had moved (another node, or a change) or is gone: nothing was written. */
  LOST
}
