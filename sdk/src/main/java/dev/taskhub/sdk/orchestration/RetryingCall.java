package dev.taskhub.sdk.orchestration;

import dev.taskhub.sdk.FailureDetails;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * An activity or sub-orchestration call with retries: each failed attempt that the policy allows to
 * retry is followed by a durable timer, then a new attempt (a new action). Everything happens in
 * listeners run as history is applied, so a replay takes the same actions in the same order.
 */
final class RetryingCall<T> {
  private final RuntimeContext context;
  private final RetryPolicy policy;
  private final Supplier<CompletableTask<T>> attempt;
  private final CompletableTask<T> result;
  private final Instant firstAttemptAt;
  private int attempts;

  RetryingCall(RuntimeContext context, RetryPolicy policy, Supplier<CompletableTask<T>> attempt) {
    this.context = context;
    this.policy = policy;
    this.attempt = attempt;
    this.result = new CompletableTask<>(context);
    this.firstAttemptAt = context.currentInstant();
  }

  CompletableTask<T> start() {
    next();
    return result;
  }

  private void next() {
    attempts++;
    CompletableTask<T> current = attempt.get();
    current.whenDone(() -> attemptDone(current));
  }

  private void attemptDone(CompletableTask<T> current) {
    if (!current.isFailed()) {
      result.complete(current.value());
      return;
    }
    RuntimeException error = current.failure();
    FailureDetails failure =
        error instanceof TaskFailedException failed ? failed.failure() : FailureDetails.of(error);
    Duration elapsed = Duration.between(firstAttemptAt, context.currentInstant());
    if (!policy.shouldRetry(attempts, failure, elapsed)) {
      result.fail(error);
      return;
    }
    context.timer(policy.delayAfter(attempts)).whenDone(this::next);
  }
}
