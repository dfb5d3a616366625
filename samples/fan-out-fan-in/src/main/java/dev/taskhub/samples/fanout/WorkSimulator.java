package dev.taskhub.samples.fanout;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The work of one item, simulated: the seed sleeps a random 0.5–2.0 s and draws a value from
 * 10..100. Injected so that tests can fix the numbers.
 */
@FunctionalInterface
public interface WorkSimulator {

  /**
   * Does the work of {@code item}, blocking for as long as it takes.
   *
   * @throws InterruptedException if the worker stops meanwhile
   */
  Outcome work(String item) throws InterruptedException;

  /** What the work produced: a value and how long it took (seconds, two decimals). */
  record Outcome(int value, double processingSeconds) {}

  /**
   * The seed's simulation: sleeps a time drawn from {@code [minWork, maxWork]}, returns a value
   * from 10 to 100.
   *
   * @param random shared by concurrent activities, so it must be thread-safe (e.g. {@link
   *     java.util.Random})
   */
  static WorkSimulator random(RandomGenerator random, Duration minWork, Duration maxWork) {
    return item -> {
      long nanos =
          maxWork.equals(minWork)
              ? minWork.toNanos()
              : random.nextLong(minWork.toNanos(), maxWork.toNanos() + 1);
      int value = random.nextInt(10, 101);
      Thread.sleep(Duration.ofNanos(nanos));
      return new Outcome(value, round2(nanos / 1e9));
    };
  }

  /** Rounds half up to two decimals, as Python's round() shows the seed's numbers. */
  static double round2(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }
}
