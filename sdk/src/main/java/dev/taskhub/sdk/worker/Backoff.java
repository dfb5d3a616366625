package dev.taskhub.sdk.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delays with ±20 % jitter, doubling from {@code initial} up to {@code max}.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  synchronized Duration next() {
    Duration delay = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    long millis = delay.toMillis();
    long jitter = millis / 5;
    return Duration.ofMillis(
        jitter == 0 ? millis : millis + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
  }

  synchronized void reset() {
    next = initial;
  }
}
