package dev.taskhub.server.store;

import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskFailureDetails;

/**
 * The new values of an instance row after a step. {@code completedAt} is 0 while not terminal.
 * {@code input} replaces the stored input when not null (it changes on continue-as-new); null keeps
 * it.
 */
public record InstanceUpdate(
    String executionId,
    OrchestrationStatus status,
    String input,
    String output,
    String customStatus,
    TaskFailureDetails failure,
    long lastUpdatedAt,
    long completedAt) {}
