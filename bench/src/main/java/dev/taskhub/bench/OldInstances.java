package dev.taskhub.bench;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.protocol.TerminateRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fills a hub with ended instances for the purger to delete: each is started (an orchestration no
 * worker hosts) and terminated at once. With no worker connected the scheduler never dispatches
 * them and ends each itself, TERMINATED. Many calls run at once, so the scheduler's group commit
 * writes many of them per durable commit.
 */
final class OldInstances {
  /** Name of the orchestrations: none of the bench's workers hosts it. */
  static final String ORCHESTRATION = "BenchOldInstance";

  private static final int CALLERS = 64;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private OldInstances() {}

  /**
   * Starts and terminates {@code count} instances on {@code channel}; returns once every call was
   * answered (the terminations may still be committing: count {@code TERMINATED} to be sure).
   *
   * @throws BenchException if a call fails
   */
  static void create(Channel channel, int count) throws InterruptedException {
    TaskHubSidecarServiceBlockingStub stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
    String prefix = "bench-old-" + UUID.randomUUID() + "-";
    AtomicInteger next = new AtomicInteger();
    try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < CALLERS; c++) {
        done.add(
            callers.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    createOne(stub, prefix + i);
                  }
                  return null;
                }));
      }
      for (Future<?> caller : done) {
        try {
          caller.get();
        } catch (java.util.concurrent.ExecutionException e) {
          next.set(count); // the other callers stop after their current instance
          throw e.getCause() instanceof BenchException failure
              ? failure
              : new BenchException("Creating old instances failed: " + e.getCause(), e);
        }
      }
    }
  }

  private static void createOne(TaskHubSidecarServiceBlockingStub stub, String instanceId) {
    try {
      stub.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .startInstance(
              CreateInstanceRequest.newBuilder()
                  .setInstanceId(instanceId)
                  .setName(ORCHESTRATION)
                  .build());
      stub.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .terminateInstance(TerminateRequest.newBuilder().setInstanceId(instanceId).build());
    } catch (StatusRuntimeException e) {
      throw new BenchException(
          "Cannot create old instance " + instanceId + ": " + e.getStatus(), e);
    }
  }
}
