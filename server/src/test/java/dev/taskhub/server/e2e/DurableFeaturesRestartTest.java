package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pending durable timer, an awaited external event and a running sub-orchestration all survive a
 * SIGKILL of the scheduler: after a restart on the same file the timer still fires on time, the
 * event still reaches its waiter, and the child's result still reaches its parent.
 */
class DurableFeaturesRestartTest {
  private static final Duration TIMER = Duration.ofSeconds(4);

  @TempDir Path dir;

  private TestScheduler scheduler;
  private DurableTaskGrpcWorker worker;

  @AfterEach
  void cleanUp() {
    if (worker != null) {
      worker.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
  }

  @Test
  void timersEventsAndChildrenSurviveASigkill() throws Exception {
    Path store = dir.resolve("taskhub.db");
    scheduler = TestScheduler.builder().sqliteFile(store).childProcess().start();
    int port = scheduler.grpcPort();
    worker =
        OfficialSdk.workerBuilder(port)
            .addOrchestration(
                SeedActivities.orchestration(
                    "sleeper",
                    ctx -> {
                      ctx.createTimer(TIMER).await();
                      ctx.complete("woke up");
                    }))
            .addOrchestration(
                SeedActivities.orchestration(
                    "waiter",
                    ctx -> {
                      ctx.setCustomStatus("waiting");
                      ctx.complete(ctx.waitForExternalEvent("go", String.class).await());
                    }))
            .addOrchestration(
                SeedActivities.orchestration(
                    "parent",
                    ctx ->
                        ctx.complete(
                            "child said "
                                + ctx.callSubOrchestrator(
                                        "waiter",
                                        null,
                                        ctx.getInstanceId() + "-child",
                                        String.class)
                                    .await())))
            .build();
    worker.start();

    Instant sleeperStarted = Instant.now();
    String sleeper;
    String waiter;
    String parent;
    try (DurableTaskClient client = OfficialSdk.client(port)) {
      sleeper = client.scheduleNewOrchestrationInstance("sleeper");
      waiter = client.scheduleNewOrchestrationInstance("waiter");
      parent = client.scheduleNewOrchestrationInstance("parent");
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  isWaiting(client, waiter)
                      && isWaiting(client, parent + "-child")
                      && client.getInstanceMetadata(sleeper, false).getRuntimeStatus()
                          == OrchestrationRuntimeStatus.RUNNING);
    }

    scheduler.kill();
    scheduler.restart();

    try (DurableTaskClient client = OfficialSdk.client(port)) {
      client.raiseEvent(waiter, "go", "event after restart");
      client.raiseEvent(parent + "-child", "go", "hello");

      OrchestrationMetadata slept =
          client.waitForInstanceCompletion(sleeper, Duration.ofSeconds(60), true);
      OrchestrationMetadata waited =
          client.waitForInstanceCompletion(waiter, Duration.ofSeconds(60), true);
      OrchestrationMetadata parented =
          client.waitForInstanceCompletion(parent, Duration.ofSeconds(60), true);

      assertThat(slept.readOutputAs(String.class)).isEqualTo("woke up");
      assertThat(Duration.between(sleeperStarted, slept.getLastUpdatedAt()))
          .isGreaterThanOrEqualTo(TIMER.minusMillis(50));
      assertThat(waited.readOutputAs(String.class)).isEqualTo("event after restart");
      assertThat(parented.readOutputAs(String.class)).isEqualTo("child said hello");
    }
  }

  private static boolean isWaiting(DurableTaskClient client, String id) {
    OrchestrationMetadata state = client.getInstanceMetadata(id, true);
    return state.isInstanceFound()
        && state.isCustomStatusFetched()
        && "waiting".equals(state.readCustomStatusAs(String.class));
  }
}
