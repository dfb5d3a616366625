package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.TaskFailureDetails;

/**
 * The new values of an instance row after a step. {@code completedAt} is 0 while not terminal.
 * {@code input} replaces the stored input when not null (it changes on continue-as-new); null keeps
 * it; so does a null {@code traceContext} (the span the worker reported for the orchestration) and
 * a null {@code version} (a continue-as-new may give the next generation a new one).
 */
public record InstanceUpdate(
    String executionId,
    OrchestrationStatus status,
    String input,
    String output,
    String customStatus,
    TaskFailureDetails failure,
    long lastUpdatedAt,
    long completedAt,
    OrchestrationTraceContext traceContext,
    String version) {

  /** An update that keeps the stored version. */
  public InstanceUpdate(
      String executionId,
      OrchestrationStatus status,
      String input,
      String output,
      String customStatus,
      TaskFailureDetails failure,
      long lastUpdatedAt,
      long completedAt,
      OrchestrationTraceContext traceContext) {
    this(
        executionId,
        status,
        input,
        output,
        customStatus,
        failure,
        lastUpdatedAt,
        completedAt,
        traceContext,
        null);
  }

  /** An update that keeps the stored trace context. */
  public InstanceUpdate(
      String executionId,
      OrchestrationStatus status,
      String input,
      String output,
      String customStatus,
      TaskFailureDetails failure,
      long lastUpdatedAt,
      long completedAt) {
    this(
        executionId,
        status,
        input,
        output,
        customStatus,
        failure,
        lastUpdatedAt,
        completedAt,
        null);
  }

  /** The same update, recording {@code context} as the orchestration's span. */
  public InstanceUpdate withTraceContext(OrchestrationTraceContext context) {
    return new InstanceUpdate(
        executionId,
        status,
        input,
        output,
        customStatus,
        failure,
        lastUpdatedAt,
        completedAt,
        context,
        version);
  }

  /** The same update, giving the instance {@code newVersion}. */
  public InstanceUpdate withVersion(String newVersion) {
    return new InstanceUpdate(
        executionId,
        status,
        input,
        output,
        customStatus,
        failure,
        lastUpdatedAt,
        completedAt,
        traceContext,
        newVersion);
  }
}
