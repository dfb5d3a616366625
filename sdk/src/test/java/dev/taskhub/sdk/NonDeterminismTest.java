package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.NonDeterministicOrchestrationException;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A new version of an orchestrator deployed while an instance runs: when the new worker replays the
 * instance's history and its code takes a different action, the instance fails with a
 * NonDeterministicOrchestration failure that names the expected and the actual action.
 */
class NonDeterminismTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TestScheduler scheduler;
  private TaskhubClient client;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private static Orchestration checkout(String reserveActivity) {
    return ctx -> {
      ctx.callActivity(reserveActivity, null, String.class).await();
      ctx.setCustomStatus("awaiting payment");
      ctx.waitForExternalEvent("Paid", String.class).await();
      return ctx.callActivity("Ship", null, String.class).await();
    };
  }

  private TaskhubWorker.Builder worker(String reserveActivity) {
    return Sdk.workerBuilder(scheduler)
        .addOrchestration("Checkout", checkout(reserveActivity))
        .addActivity("Reserve", context -> "reserved")
        .addActivity("ReserveStock", context -> "reserved")
        .addActivity("Ship", context -> "shipped");
  }

  @Test
  void replayingWithADifferentActionFailsTheInstanceNamingBothActions() {
    TaskhubWorker v1 = worker("Reserve").build().start();
    String id = client.scheduleNewOrchestration("Checkout");
    await()
        .atMost(WAIT)
        .until(() -> client.getInstance(id).orElseThrow().serializedCustomStatus() != null);
    v1.stop(Duration.ofSeconds(5));

    Sdk.startWorker(scheduler, worker("ReserveStock"));
    client.raiseEvent(id, "Paid", "card");
    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.FAILED);
    FailureDetails failure = done.failure().orElseThrow();
    assertThat(failure.errorType())
        .isEqualTo(NonDeterministicOrchestrationException.class.getName());
    assertThat(failure.message())
        .isEqualTo(
            "at action 0 the history expects ScheduleTask 'Reserve', but the orchestrator took"
                + " ScheduleTask 'ReserveStock'");
  }

  @Test
  void theSameCodeOnANewWorkerReplaysAndCompletes() {
    TaskhubWorker v1 = worker("Reserve").build().start();
    String id = client.scheduleNewOrchestration("Checkout");
    await()
        .atMost(WAIT)
        .until(() -> client.getInstance(id).orElseThrow().serializedCustomStatus() != null);
    v1.stop(Duration.ofSeconds(5));

    Sdk.startWorker(scheduler, worker("Reserve"));
    client.raiseEvent(id, "Paid", "card");

    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("shipped");
  }
}
