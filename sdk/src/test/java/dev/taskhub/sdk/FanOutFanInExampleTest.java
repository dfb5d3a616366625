package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example in the README ("Writing workflows in Java"): a fan-out/fan-in orchestration that
 * processes every item in parallel, then aggregates the results. Compiled and run on every build;
 * {@link ReadmeExampleTest} checks that the README shows this very code.
 */
class FanOutFanInExampleTest {

  record ItemResult(String item, int value) {}

  record Summary(int items, int total, List<String> processed) {}

  // The orchestrator: one activity per item, all in parallel; wait for all; then aggregate.
  static final Orchestration FAN_OUT_FAN_IN =
      ctx -> {
        List<String> items = List.of(ctx.getInput(String[].class));
        List<Task<ItemResult>> work =
            items.stream()
                .map(item -> ctx.callActivity("ProcessItem", item, ItemResult.class))
                .toList();
        List<ItemResult> results = ctx.allOf(work).await();
        return ctx.callActivity("Aggregate", results, Summary.class).await();
      };

  static Summary aggregate(ItemResult[] results) {
    List<ItemResult> all = List.of(results);
    return new Summary(
        all.size(),
        all.stream().mapToInt(ItemResult::value).sum(),
        all.stream().map(ItemResult::item).toList());
  }

  private TestScheduler scheduler;

  @BeforeEach
  void startScheduler() {
    scheduler = TestScheduler.builder().start();
  }

  @AfterEach
  void stopScheduler() {
    scheduler.close();
  }

  @Test
  void fanOutFanInAggregatesEveryItem() {
    String connectionString = Sdk.connectionString(scheduler); // Endpoint=http://localhost:…

    TaskhubWorker worker =
        TaskhubWorker.builder()
            .connectionString(connectionString)
            .addOrchestration("FanOutFanIn", FAN_OUT_FAN_IN)
            .addActivity(
                "ProcessItem", String.class, item -> new ItemResult(item, 10 * item.length()))
            .addActivity("Aggregate", ItemResult[].class, FanOutFanInExampleTest::aggregate)
            .build();
    worker.start();

    try (TaskhubClient client = TaskhubClient.fromConnectionString(connectionString)) {
      String id = client.scheduleNewOrchestration("FanOutFanIn", List.of("a", "bb", "ccc"));
      OrchestrationMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30));
      Summary summary = done.readOutputAs(Summary.class);

      assertThat(done.status()).as("%s", done.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(summary).isEqualTo(new Summary(3, 60, List.of("a", "bb", "ccc")));
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
  }
}
