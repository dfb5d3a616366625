package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterTargetsTest {
  private static long now() {
    return System.nanoTime();
  }

  @Test
  void tallyReportsBeforeAnyExpectationAreIgnored() throws InterruptedException {
    CounterTargets targets = new CounterTargets();

    targets.applied("e3-counter", new Tally(1, 1));

    assertTrue(targets.await(now()));
  }

  @Test
  void theWaitEndsOnceEveryCounterComputedItsExpectedTally() throws InterruptedException {
    CounterTargets targets = new CounterTargets();
    targets.expect(Map.of("a", new Tally(2, 3), "b", new Tally(1, 5)));

    targets.applied("a", new Tally(1, 1));
    targets.applied("b", new Tally(1, 5));
    assertFalse(targets.await(now()));

    targets.applied("a", new Tally(2, 3));
    assertTrue(targets.await(now()));
  }

  @Test
  void anOperationRunAgainCountsOnce() throws InterruptedException {
    CounterTargets targets = new CounterTargets();
    targets.expect(Map.of("a", new Tally(1, 1), "b", new Tally(1, 2)));

    targets.applied("a", new Tally(1, 1));
    targets.applied("a", new Tally(1, 1));

    assertFalse(targets.await(now()));
  }

  @Test
  void batchesAreCounted() {
    CounterTargets targets = new CounterTargets();

    targets.batchStarted();
    targets.batchStarted();

    assertEquals(2, targets.batches());
  }
}
