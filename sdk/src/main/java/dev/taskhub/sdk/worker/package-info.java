/**
 * Hosting orchestrations, activities and entities: {@link dev.taskhub.sdk.worker.TaskhubWorker}
 * receives work items over one {@code GetWorkItems} stream and runs them concurrently on virtual
 * threads.
 */
package dev.taskhub.sdk.worker;
