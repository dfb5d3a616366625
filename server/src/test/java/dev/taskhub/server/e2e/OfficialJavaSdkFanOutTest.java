package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's fan-out/fan-in, driven by the unmodified official Java SDK 1.5.0 over real gRPC. */
class OfficialJavaSdkFanOutTest {
  private TestScheduler server;
  private DurableTaskClient client;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().start();
    SeedActivities.startWorker(server);
    client = OfficialSdk.client(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void threeItemFanOutProducesTheExactAggregate() throws Exception {
    String id =
        client.scheduleNewOrchestrationInstance(
            SeedActivities.ORCHESTRATOR, List.of("Task1", "Task2", "Task3"));

    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    Map<?, ?> summary = done.readOutputAs(Map.class);
    assertThat(summary.get("total_items_processed")).isEqualTo(3);
    assertThat(summary.get("total_value")).isEqualTo(55 + 65 + 75);
    assertThat(summary.get("processed_items"))
        .isEqualTo(List.of("Processed_Task1", "Processed_Task2", "Processed_Task3"));
    assertThat(summary.get("success")).isEqualTo(true);
  }

  @Test
  void thousandItemFanOutCompletesWithEveryResult() throws Exception {
    List<String> items = IntStream.rangeClosed(1, 1000).mapToObj(i -> "Task" + i).toList();
    String id = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items);

    OrchestrationMetadata done = client.waitForInstanceCompletion(id, Duration.ofSeconds(90), true);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    Map<?, ?> summary = done.readOutputAs(Map.class);
    assertThat(summary.get("total_items_processed")).isEqualTo(1000);
    assertThat(summary.get("total_value"))
        .isEqualTo(items.stream().mapToInt(SeedActivities::valueOf).sum());
    assertThat(summary.get("processed_items"))
        .isEqualTo(items.stream().map(item -> "Processed_" + item).toList());
  }
}
