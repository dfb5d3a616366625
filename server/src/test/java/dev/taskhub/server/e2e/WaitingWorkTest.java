package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestrationFilter;
import dev.taskhub.protocol.WorkItemFilters;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/hubs/{hub}/waiting}: what waits for a worker per kind, name and version, and
 * how many connected workers take it, with a worker whose filters host one orchestration only.
 */
class WaitingWorkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode waiting(TestScheduler server) throws Exception {
    HttpResponse<String> reply =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:"
                                + server.httpPort()
                                + "/api/v1/hubs/default/waiting"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return JSON.readTree(reply.body()).get("waiting");
  }

  @Test
  void listsWorkNoConnectedWorkerTakesWithZeroWorkers() throws Exception {
    try (TestScheduler server = TestScheduler.builder().http().start()) {
      ManagedChannel channel = server.channel();
      try (HandDrivenWorker alpha =
          HandDrivenWorker.connect(
              channel,
              GetWorkItemsRequest.newBuilder()
                  .setMaxConcurrentOrchestrationWorkItems(1)
                  .setWorkItemFilters(
                      WorkItemFilters.newBuilder()
                          .addOrchestrations(OrchestrationFilter.newBuilder().setName("alpha")))
                  .build())) {
        RawSidecar sidecar = new RawSidecar(channel);
        for (String id : new String[] {"a1", "a2", "g1"}) {
          sidecar
              .call()
              .startInstance(
                  CreateInstanceRequest.newBuilder()
                      .setInstanceId(id)
                      .setName(id.startsWith("a") ? "alpha" : "gamma")
                      .build());
        }
        assertThat(alpha.next().getOrchestratorRequest().getInstanceId()).isEqualTo("a1");

        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(server).size() == 2);
        JsonNode rows = waiting(server);
        assertThat(rows.get(0).get("kind").asText()).isEqualTo("orchestration");
        assertThat(rows.get(0).get("name").asText()).isEqualTo("alpha");
        assertThat(rows.get(0).get("waiting").asInt()).isEqualTo(1);
        assertThat(rows.get(0).get("workers").asInt()).isEqualTo(1);
        assertThat(rows.get(1).get("name").asText()).isEqualTo("gamma");
        assertThat(rows.get(1).get("version").isNull()).isTrue();
        assertThat(rows.get(1).get("workers").asInt()).isZero();
        assertThat(rows.get(1).get("oldestWaitMillis").asLong()).isNotNegative();
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
