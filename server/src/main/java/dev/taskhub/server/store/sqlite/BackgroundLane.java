package dev.taskhub.server.store.sqlite;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The SQLite writer's lane for background work (the retention purger's batches): units that must
 * never take the writer from the hot path.
 *
 * <p>Why a lane rather than a rate limit in the purger: SQLite has one writer thread, and a purge
 * batch queued among step commits delays every commit queued behind it, however rarely the purger
 * sends one. Here a background unit is taken only when no foreground unit is queued, so it never
 * runs ahead of one, and each is committed alone, so a foreground unit arriving meanwhile waits at
 * most one small background unit. On top of that the lane adapts to the writer's observed load:
 *
 * <ul>
 *   <li><b>quiet</b>: no foreground commit for {@value #QUIET_MILLIS} ms: the writer is idle, and
 *       background units run back to back (the purger's full speed on an idle store);
 *   <li><b>busy</b>: foreground commits keep coming: a background unit waits until it is {@value
 *       #OVERDUE_MILLIS} ms old and then runs in the next moment the foreground queue is empty. So
 *       under load the background gets at most one unit per {@value #OVERDUE_MILLIS} ms (a trickle
 *       of a few percent of the writer and the CPU, as its units are small) rather than every short
 *       gap, which would still take CPU from the hot path on a machine with few cores; and it is
 *       never starved, so a purge always progresses.
 * </ul>
 *
 * <p>Only the writer thread calls {@link #runIfDue} and {@link #foregroundCommitted}; {@link #add}
 * is called by any thread.
 */
final class BackgroundLane<U> {
  static final long QUIET_MILLIS = 5;
  static final long OVERDUE_MILLIS = 100;

  /** A unit with when it was queued. */
  private record Queued<U>(U unit, long queuedAt) {}

  private final ConcurrentLinkedQueue<Queued<U>> units = new ConcurrentLinkedQueue<>();
  private long lastForegroundCommit = System.nanoTime();

  void add(U unit) {
    units.add(new Queued<>(unit, System.nanoTime()));
  }

  boolean isEmpty() {
    return units.isEmpty();
  }

  /** How long the writer may wait for foreground work before looking at this lane again. */
  long pollMillis(long idleMillis) {
    return units.isEmpty() ? idleMillis : 1;
  }

  /** The writer committed foreground units just now. */
  void foregroundCommitted() {
    lastForegroundCommit = System.nanoTime();
  }

  /**
   * Runs the oldest background unit if one is due; the caller has seen the foreground queue empty.
   *
   * @return whether a unit ran
   */
  boolean runIfDue(Consumer<U> commitAlone) {
    Queued<U> oldest = units.peek();
    if (oldest == null) {
      return false;
    }
    long now = System.nanoTime();
    boolean quiet = now - lastForegroundCommit >= QUIET_MILLIS * 1_000_000;
    boolean overdue = now - oldest.queuedAt() >= OVERDUE_MILLIS * 1_000_000;
    if (!quiet && !overdue) {
      return false;
    }
    units.poll();
    commitAlone.accept(oldest.unit());
    return true;
  }
}
