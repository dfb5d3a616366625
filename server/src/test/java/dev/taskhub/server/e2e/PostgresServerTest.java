package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskClient;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.store.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theSeedFanOutCompletesOnPostgres() throws Exception {
    ServerConfig config = ServerConfig.forTests().withStore(TestPostgres.newSchema());
    try (RunningServer server = new RunningServer(config.withPorts(0, -1))) {
      server.seedWorker();
      DurableTaskClient client = server.client();

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
        RunningServer server =
            new RunningServer(ServerConfig.forTests().withStore(database.location()))) {
      server.seedWorker();
      DurableTaskClient client = server.client();
      List<String> items = List.of("Task1", "Task2", "Task3");
      String before = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items);
      SeedActivities.assertAggregated(
          client.waitForInstanceCompletion(before, Duration.ofSeconds(30), true), items);
      assertThat(health(server)).isEqualTo(200);

      database.stop();
      await().atMost(Duration.ofSeconds(20)).until(() -> health(server) == 503);

      database.restart();
      await().atMost(Duration.ofSeconds(30)).until(() -> health(server) == 200);

      String after = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items);
      SeedActivities.assertAggregated(
          client.waitForInstanceCompletion(after, Duration.ofSeconds(30), true), items);
      SeedActivities.assertAggregated(client.getInstanceMetadata(before, true), items);
    }
  }

  private static int health(RunningServer server) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.server.httpPort() + "/health"))
            .timeout(Duration.ofSeconds(15))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
