package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskClient;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server on a PostgreSQL store, driven by the unmodified official Java SDK 1.5.0: the
 * seed's fan-out completes, and a database restart shows on /health and loses nothing.
 */
class PostgresServerTest {
  @Test
  void theSeedFanOutCompletesOnPostgres() throws Exception {
    try (TestScheduler server =
        TestScheduler.builder().postgres(TestPostgres.newSchema()).start()) {
      SeedActivities.startWorker(server);
      DurableTaskClient client = OfficialSdk.client(server);

      List<String> few = List.of("Task1", "Task2", "Task3");
      List<String> many = IntStream.rangeClosed(1, 200).mapToObj(i -> "Task" + i).toList();
      String fewId = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, few);
      String manyId = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, many);

      SeedActivities.assertAggregated(
          client.waitForInstanceCompletion(fewId, Duration.ofSeconds(30), true), few);
      SeedActivities.assertAggregated(
          client.waitForInstanceCompletion(manyId, Duration.ofSeconds(60), true), many);
    }
  }

  @Test
  void aDatabaseRestartShowsAsUnhealthyAndTheServerCarriesOnAfterIt(@TempDir Path data)
      throws Exception {
    try (TestPostgres.Restartable database = TestPostgres.Restartable.start(data);
        TestScheduler server =
            TestScheduler.builder().postgres(database.location()).http().start()) {
      SeedActivities.startWorker(server);
      DurableTaskClient client = OfficialSdk.client(server);
      List<String> items = List.of("Task1", "Task2", "Task3");
      String before = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items);
      SeedActivities.assertAggregated(
          client.waitForInstanceCompletion(before, Duration.ofSeconds(30), true), items);
      assertThat(server.health()).isEqualTo(200);

      database.stop();
      await().atMost(Duration.ofSeconds(20)).until(() -> server.health() == 503);

      database.restart();
      await().atMost(Duration.ofSeconds(30)).until(() -> server.health() == 200);

      String after = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items);
      SeedActivities.assertAggregated(
          client.waitForInstanceCompletion(after, Duration.ofSeconds(30), true), items);
      SeedActivities.assertAggregated(client.getInstanceMetadata(before, true), items);
    }
  }
}
