package dev.taskhub.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets the driver of a signal workload (E1, E2) wait without polling the scheduler: the bench
 * counter entity, which runs in this process, reports every tally it computes ({@link #applied})
 * and the driver waits ({@link #await}) until each counter of the run has computed exactly its
 * expected tally once. Polls would cost the server CPU that the run measures. That an operation ran
 * is not yet that its batch was saved (a batch may run again after a lost lease), so the driver
 * confirms the saved states afterwards.
 *
 * <p>It also counts the entity batches the worker ran ({@link #batchStarted}): a batch gets a new
 * entity instance, so the entity factory calls it once per batch.
 */
final class CounterTargets {
  private final LongAdder batches = new LongAdder();
  // Mutable even before the first expect(): applied() removes from it (E3 expects nothing).
  private volatile Map<String, Tally> pending = new ConcurrentHashMap<>();
  private volatile CountDownLatch reached = new CountDownLatch(0);

  /**
   * Starts waiting for {@code expected} (entity key to its final tally); replaces what an earlier
   * run expected.
   */
  void expect(Map<String, Tally> expected) {
    Map<String, Tally> targets = new ConcurrentHashMap<>(expected);
    reached = new CountDownLatch(targets.size());
    pending = targets;
  }

  /** Called by the entity with the tally an operation computed for counter {@code key}. */
  void applied(String key, Tally now) {
    // remove(key, value) succeeds once: an operation run again after a lost lease counts once.
    if (pending.remove(key, now)) {
      reached.countDown();
    }
  }

  /**
   * Waits until every expected counter reached its tally.
   *
   * @return false if the deadline (a {@link System#nanoTime} value) passed first
   */
  boolean await(long deadline) throws InterruptedException {
    return reached.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  /** Called by the entity factory for every batch the worker runs. */
  void batchStarted() {
    batches.increment();
  }

  /** Entity batches run so far. */
  long batches() {
    return batches.sum();
  }
}
