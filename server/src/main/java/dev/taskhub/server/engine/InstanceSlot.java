package dev.taskhub.server.engine;

/**
 * The dispatcher's bookkeeping for an instance that has work: queued (ready, waiting for a stream)
 * or in flight (an episode is being prepared, is out, or is being applied). Never both. Guarded by
 * the dispatcher.
 */
final class InstanceSlot {
  boolean queued;
  long queuedAt;
  boolean inFlight;

  /** New inbox events arrived while in flight: queue again when the episode ends. */
  boolean wakeAfterFlight;

  /** A server-side step waiting for the episode in flight to end. */
  Dispatcher.PendingServerStep serverStepAfterFlight;

  /** The episode given to the last worker, re-sent unchanged if that worker lost it. */
  Episode pinned;

  int deliveries;

  boolean idle() {
    return !queued && !inFlight && pinned == null;
  }
}
