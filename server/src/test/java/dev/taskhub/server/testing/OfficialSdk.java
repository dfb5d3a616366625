package dev.taskhub.server.testing;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcClientBuilder;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.DurableTaskGrpcWorkerBuilder;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The unmodified official Java SDK ({@code com.microsoft:durabletask-client} 1.5.0) bound to a
 * {@link TestScheduler}: its workers and clients, made the one way every compatibility test makes
 * them. Those made from a scheduler are registered with it (closed before it stops, or when it is
 * killed); those made from a port belong to the caller, for a test whose worker must outlive a
 * SIGKILL and reconnect by itself.
 */
public final class OfficialSdk {
  private OfficialSdk() {}

  /** A worker builder for the gRPC port; the caller builds, starts and closes the worker. */
  public static DurableTaskGrpcWorkerBuilder workerBuilder(int grpcPort) {
    return new DurableTaskGrpcWorkerBuilder().port(grpcPort);
  }

  /** A client of the gRPC port; the caller closes it. */
  public static DurableTaskClient client(int grpcPort) {
    return new DurableTaskGrpcClientBuilder().port(grpcPort).build();
  }

  /** A client of the scheduler, registered with it. */
  public static DurableTaskClient client(TestScheduler scheduler) {
    return scheduler.register(client(scheduler.grpcPort()));
  }

  /**
   * Starts a worker of the scheduler with what {@code registrations} adds to its builder (its
   * orchestrations and activities); registered with the scheduler. An SDK 1.5.0 worker runs one
   * work item at a time.
   */
  public static DurableTaskGrpcWorker startWorker(
      TestScheduler scheduler, UnaryOperator<DurableTaskGrpcWorkerBuilder> registrations) {
    DurableTaskGrpcWorker worker = registrations.apply(workerBuilder(scheduler.grpcPort())).build();
    worker.start();
    // The SDK 1.5.0 worker's close() shuts its channel down; its thread then only retries in vain.
    return scheduler.register(worker);
  }

  /** Starts a worker of the orchestration (none if null) and activities; registered. */
  public static DurableTaskGrpcWorker startWorker(
      TestScheduler scheduler,
      TaskOrchestrationFactory orchestration,
      TaskActivityFactory... activities) {
    return startWorker(
        scheduler,
        builder -> {
          if (orchestration != null) {
            builder.addOrchestration(orchestration);
          }
          Arrays.stream(activities).forEach(builder::addActivity);
          return builder;
        });
  }

  /**
   * Prints what this JVM's SDK workers and the schedulers' child processes are doing, for a test
   * that failed while they ran: a stuck work item shows as a worker waiting on a call, or as none
   * holding it.
   */
  public static void printThreads(List<TestScheduler> nodes) {
    StringBuilder text = new StringBuilder("===== SDK worker threads of the test JVM:\n");
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (Arrays.stream(stack)
                  .anyMatch(frame -> frame.getClassName().endsWith("DurableTaskGrpcWorker"))) {
                text.append('"').append(thread.getName()).append("\" ").append(thread.getState());
                Arrays.stream(stack).forEach(frame -> text.append("\n    at ").append(frame));
                text.append('\n');
              }
            });
    for (TestScheduler node : nodes) {
      if (node.isAlive()) {
        text.append("===== Threads of ").append(node).append(":\n").append(node.threadDump());
      }
    }
    System.out.println(text);
  }
}
