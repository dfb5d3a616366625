package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.entity.EntityExecutor;
import dev.taskhub.sdk.entity.EntityInstanceId;
import dev.taskhub.sdk.orchestration.EntityOperationFailedException;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker without filters is sent entity work for names it does not host: each operation fails
 * with {@code EntityTaskNotFound}, and a caller learns so instead of waiting forever.
 */
class EntityNotHostedTest {
  private TestScheduler scheduler;
  private TaskhubClient client;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .workItemFilters(false)
            .addOrchestration(
                "CallsAGhost",
                ctx -> {
                  try {
                    return ctx.callEntity(
                            EntityInstanceId.of("Ghost", "x"), "boo", null, String.class)
                        .await();
                  } catch (EntityOperationFailedException e) {
                    return e.failure().errorType() + " " + e.failure().nonRetriable();
                  }
                }));
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void callingAnEntityNoWorkerHostsFailsTheCallWithEntityTaskNotFound() {
    OrchestrationMetadata done =
        client.waitForCompletion(
            client.scheduleNewOrchestration("CallsAGhost"), Duration.ofSeconds(30));

    assertThat(done.status()).as("%s", done.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class))
        .isEqualTo(EntityExecutor.ENTITY_NOT_FOUND + " true");
  }
}
