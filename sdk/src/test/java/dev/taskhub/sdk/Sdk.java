package dev.taskhub.sdk;

import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;

/**
 * This SDK bound to a {@link TestScheduler}: connections, clients and workers made the one way the
 * SDK's end-to-end tests make them; clients and workers are closed with the scheduler.
 */
final class Sdk {
  private Sdk() {}

  static String connectionString(TestScheduler scheduler) {
    return "Endpoint=http://localhost:"
        + scheduler.grpcPort()
        + ";Authentication=None;TaskHub=default";
  }

  static ConnectionSettings connection(TestScheduler scheduler) {
    return ConnectionSettings.plaintext("localhost", scheduler.grpcPort());
  }

  /** A client of the scheduler, closed with it. */
  static TaskhubClient client(TestScheduler scheduler) {
    return scheduler.register(TaskhubClient.fromConnectionString(connectionString(scheduler)));
  }

  /** A worker builder for the scheduler with a short close timeout. */
  static TaskhubWorker.Builder workerBuilder(TestScheduler scheduler) {
    return TaskhubWorker.builder()
        .connection(connection(scheduler))
        .closeTimeout(Duration.ofSeconds(5));
  }

  /** The README's fan-out/fan-in orchestration and its two activities, added to {@code builder}. */
  static TaskhubWorker.Builder hostingFanOut(TaskhubWorker.Builder builder) {
    return builder
        .addOrchestration("FanOutFanIn", FanOutFanInExampleTest.FAN_OUT_FAN_IN)
        .addActivity(
            "ProcessItem",
            String.class,
            item -> new FanOutFanInExampleTest.ItemResult(item, 10 * item.length()))
        .addActivity(
            "Aggregate",
            FanOutFanInExampleTest.ItemResult[].class,
            FanOutFanInExampleTest::aggregate);
  }

  /** Starts the worker; it is stopped with the scheduler. */
  static TaskhubWorker startWorker(TestScheduler scheduler, TaskhubWorker.Builder builder) {
    return scheduler.register(builder.build()).start();
  }
}
