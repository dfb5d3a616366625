package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker that goes away in the middle of an activity: the scheduler gives the activity back the
 * moment the worker's stream ends, and another connected worker runs it at once, long before the
 * (default, 10-minute) lease would have expired.
 */
class WorkerDisconnectTest {
  private static final String ORCHESTRATOR = "call_one_activity";
  private static final String ACTIVITY = "tag_with_worker";

  private final TestScheduler server = TestScheduler.builder().start();
  private final CountDownLatch startedOnA = new CountDownLatch(1);
  private final CountDownLatch releaseA = new CountDownLatch(1);
  private final CompletableFuture<String> ranOnB = new CompletableFuture<>();
  private final AtomicInteger runsOnA = new AtomicInteger();
  private final AtomicInteger runsOnB = new AtomicInteger();

  @AfterEach
  void stop() {
    releaseA.countDown();
    server.close();
  }

  private static TaskOrchestrationFactory orchestrator() {
    return SeedActivities.orchestration(
        ORCHESTRATOR,
        ctx ->
            ctx.complete(
                ctx.callActivity(ACTIVITY, ctx.getInput(String.class), String.class).await()));
  }

  /** Worker A's activity: blocks on its first call until the test lets it go. */
  private TaskActivityFactory blockingActivity() {
    return SeedActivities.activity(
        ACTIVITY,
        ctx -> {
          runsOnA.incrementAndGet();
          startedOnA.countDown();
          try {
            releaseA.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "A:" + ctx.getInput(String.class);
        });
  }

  private TaskActivityFactory recordingActivity() {
    return SeedActivities.activity(
        ACTIVITY,
        ctx -> {
          runsOnB.incrementAndGet();
          String input = ctx.getInput(String.class);
          ranOnB.complete(input);
          return "B:" + input;
        });
  }

  @Test
  void anActivityHeldByAWorkerThatDisconnectsRunsOnAnotherWorkerAtOnce() throws Exception {
    DurableTaskGrpcWorker workerA =
        OfficialSdk.startWorker(server, orchestrator(), blockingActivity());
    DurableTaskClient client = OfficialSdk.client(server);
    String id = client.scheduleNewOrchestrationInstance(ORCHESTRATOR, "payload");
    assertThat(startedOnA.await(10, TimeUnit.SECONDS)).as("activity started on A").isTrue();

    // B registers the same orchestration and activity; while A holds the activity it gets nothing.
    OfficialSdk.startWorker(server, orchestrator(), recordingActivity());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.server().engine().connectedWorkers() == 2);
    assertThat(ranOnB).isNotDone();

    long disconnectedAt = System.nanoTime();
    // Shuts A's channel down, which cancels its GetWorkItems stream; the activity stays blocked.
    workerA.close();
    String inputOnB = ranOnB.get(2, TimeUnit.SECONDS);
    Duration handOver = Duration.ofNanos(System.nanoTime() - disconnectedAt);

    assertThat(inputOnB).isEqualTo("payload");
    assertThat(handOver).isLessThan(Duration.ofSeconds(2));
    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(10), true);
    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("B:payload");
    assertThat(runsOnA).hasValue(1);
    assertThat(runsOnB).hasValue(1);
  }
}
