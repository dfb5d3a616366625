package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers send work-item filters for what they registered (the default): two workers on one task
 * hub each run only their own orchestrations and activities, and an orchestration neither hosts
 * waits, pending, until a worker that registers it starts.
 */
class WorkItemFiltersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TestScheduler scheduler;
  private TaskhubClient client;

  /** Which worker ran each activity call. */
  private final Map<String, List<String>> ranOn = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private void startWorker(String worker, String orchestration, String activity) {
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .addOrchestration(
                orchestration,
                ctx -> {
                  int first = ctx.callActivity(activity, 1, Integer.class).await();
                  int second = ctx.callActivity(activity, 2, Integer.class).await();
                  return orchestration + ":" + (first + second);
                })
            .addActivity(
                activity,
                Integer.class,
                n -> {
                  ranOn.computeIfAbsent(activity, a -> new CopyOnWriteArrayList<>()).add(worker);
                  return n * 10;
                }));
  }

  @Test
  void eachWorkerRunsOnlyWhatItRegisteredAndUnhostedWorkWaitsForItsWorker() {
    startWorker("billing-worker", "Billing", "Charge");
    startWorker("shipping-worker", "Shipping", "Label");

    String billing = client.scheduleNewOrchestration("Billing");
    String shipping = client.scheduleNewOrchestration("Shipping");
    String late = client.scheduleNewOrchestration("Returns");

    assertThat(client.waitForCompletion(billing, WAIT).readOutputAs(String.class))
        .isEqualTo("Billing:30");
    assertThat(client.waitForCompletion(shipping, WAIT).readOutputAs(String.class))
        .isEqualTo("Shipping:30");
    assertThat(ranOn.get("Charge")).containsOnly("billing-worker").hasSize(2);
    assertThat(ranOn.get("Label")).containsOnly("shipping-worker").hasSize(2);
    OrchestrationMetadata waiting = client.getInstance(late).orElseThrow();
    assertThat(waiting.status()).isEqualTo(OrchestrationStatus.PENDING);

    startWorker("returns-worker", "Returns", "Refund");
    OrchestrationMetadata done = client.waitForCompletion(late, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("Returns:30");
    assertThat(ranOn.get("Refund")).containsOnly("returns-worker");
  }
}
