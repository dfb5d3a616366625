package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.TaskFailureDetails;
import java.util.Map;

/**
 * The stored summary row of an instance. Times are epoch milliseconds; {@code completedAt} is 0
 * until the instance ends; {@code scheduledStartAt} is when it may start (its creation time unless
 * a later start was asked). Nullable strings are null when unset; so is {@code traceContext}, the
 * span an SDK opened for the orchestration, until one reports it.
 */
public record InstanceRecord(
    InstanceKey key,
    String executionId,
    String name,
    String version,
    OrchestrationStatus status,
    String input,
    String output,
    String customStatus,
    TaskFailureDetails failure,
    String parentInstanceId,
    Map<String, String> tags,
    long createdAt,
    long lastUpdatedAt,
    long completedAt,
    long scheduledStartAt,
    int historyLength,
    OrchestrationTraceContext traceContext) {

  public boolean isTerminal() {
    return Statuses.isTerminal(status);
  }
}
