/**
 * Writing orchestrations ({@link dev.taskhub.sdk.orchestration.Orchestration}, {@link
 * dev.taskhub.sdk.orchestration.OrchestrationContext}, {@link dev.taskhub.sdk.orchestration.Task})
 * and the replay engine that runs them ({@link
 * dev.taskhub.sdk.orchestration.OrchestrationExecutor}); see ARCHITECTURE.md, "How the SDK replays
 * an orchestration".
 */
package dev.taskhub.sdk.orchestration;
