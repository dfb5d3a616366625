/**
 * The Taskhub Java SDK: write durable orchestrations and activities in Java and run them against
 * any Durable Task (DTS) protocol endpoint.
 *
 * <p>Start with {@link dev.taskhub.sdk.worker.TaskhubWorker} (hosts orchestrations and activities)
 * and {@link dev.taskhub.sdk.client.TaskhubClient} (starts and manages instances); orchestrations
 * are written against {@link dev.taskhub.sdk.orchestration.OrchestrationContext}, entities as
 * {@link dev.taskhub.sdk.entity.TaskEntity} subclasses or {@link dev.taskhub.sdk.entity.Entity}
 * lambdas. This package holds what they share: {@link dev.taskhub.sdk.ConnectionSettings} (and
 * connection strings), {@link dev.taskhub.sdk.DataConverter}, {@link
 * dev.taskhub.sdk.FailureDetails} and the one exception root, {@link
 * dev.taskhub.sdk.TaskhubException}.
 */
package dev.taskhub.sdk;
