package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.FailureDetails;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a failed activity or sub-orchestration is retried: up to {@code maxAttempts} attempts in all,
 * waiting {@code firstRetryInterval} before the second, multiplied by {@code backoffCoefficient}
 * each time and capped at {@code maxRetryInterval}; no new attempt starts once {@code retryTimeout}
 * has passed since the first. Waits are durable timers, so retries survive restarts and replay
 * deterministically.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param firstRetryInterval wait before the second attempt, positive
 * @param backoffCoefficient factor applied to the wait after each attempt, at least 1
 * @param maxRetryInterval the longest wait between attempts
 * @param retryTimeout how long after the first attempt a new one may still start
 * @param handle which failures are retried (failures marked non-retriable never are)
 */
public record RetryPolicy(
    int maxAttempts,
    Duration firstRetryInterval,
    double backoffCoefficient,
    Duration maxRetryInterval,
    Duration retryTimeout,
    Predicate<FailureDetails> handle) {

  private static final Duration FOREVER = Duration.ofDays(365 * 100);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Objects.requireNonNull(firstRetryInterval, "firstRetryInterval");
    if (firstRetryInterval.isNegative() || firstRetryInterval.isZero()) {
      throw new IllegalArgumentException(
          "firstRetryInterval must be positive, was " + firstRetryInterval);
    }
    if (!(backoffCoefficient >= 1)) {
      throw new IllegalArgumentException(
          "backoffCoefficient must be at least 1, was " + backoffCoefficient);
    }
    Objects.requireNonNull(maxRetryInterval, "maxRetryInterval");
    Objects.requireNonNull(retryTimeout, "retryTimeout");
    Objects.requireNonNull(handle, "handle");
  }

  /** {@code maxAttempts} attempts, {@code firstRetryInterval} apart, retrying every failure. */
  public static RetryPolicy of(int maxAttempts, Duration firstRetryInterval) {
    return new RetryPolicy(maxAttempts, firstRetryInterval, 1.0, FOREVER, FOREVER, failure -> true);
  }

  public RetryPolicy withBackoffCoefficient(double coefficient) {
    return new RetryPolicy(
        maxAttempts, firstRetryInterval, coefficient, maxRetryInterval, retryTimeout, handle);
  }

  public RetryPolicy withMaxRetryInterval(Duration max) {
    return new RetryPolicy(
        maxAttempts, firstRetryInterval, backoffCoefficient, max, retryTimeout, handle);
  }

  public RetryPolicy withRetryTimeout(Duration timeout) {
    return new RetryPolicy(
        maxAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval, timeout, handle);
  }

  /** Retries only the failures the predicate accepts. */
  public RetryPolicy handling(Predicate<FailureDetails> predicate) {
    return new RetryPolicy(
        maxAttempts,
        firstRetryInterval,
        backoffCoefficient,
        maxRetryInterval,
        retryTimeout,
        predicate);
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed attempts. */
  Duration delayAfter(int attempt) {
    double factor = Math.pow(backoffCoefficient, attempt - 1);
    double millis = firstRetryInterval.toMillis() * factor;
    if (millis >= maxRetryInterval.toMillis()) {
      return maxRetryInterval;
    }
    return Duration.ofMillis((long) millis);
  }

  /** Whether another attempt should follow failed attempt number {@code attempt}. */
  boolean shouldRetry(int attempt, FailureDetails failure, Duration elapsed) {
    return attempt < maxAttempts
        && !failure.nonRetriable()
        && elapsed.compareTo(retryTimeout) < 0
        && handle.test(failure);
  }
}
