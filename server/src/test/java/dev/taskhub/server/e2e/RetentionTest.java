package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateSubOrchestrationAction;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.config.RetentionPolicy;
import dev.taskhub.server.engine.SettableTimers;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a settable clock: ended instances are removed once their status's time since they
 * ended has passed, sub-orchestrations with their parents, running instances never; a policy set at
 * run time applies at once; instances that became due while the scheduler was down are removed by
 * the first pass after it starts again.
 */
class RetentionTest {
  private static final RetentionPolicy POLICY = RetentionPolicy.parse("completed=2h,terminated=1h");

  @TempDir Path dir;

  private SettableTimers timers = SettableTimers.startingAt2026();
  private TestScheduler server;
  private ManagedChannel channel;
  private RawSidecar sidecar;
  private HandDrivenWorker worker;

  private void startServer(Path store) {
    server =
        TestScheduler.builder()
            .sqliteFile(store)
            .http()
            .timers(timers)
            .config(c -> c.withRetention(POLICY))
            .start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
    worker = HandDrivenWorker.connect(channel);
  }

  private void stopServer() {
    worker.close();
    channel.shutdownNow();
    server.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      stopServer();
    }
  }

  private void start(String id) {
    sidecar
        .call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId(id).setName("Flow").build());
  }

  /** Takes the instance's next episode and answers it with {@code actions}. */
  private void answerNext(String id, OrchestratorAction... actions) throws InterruptedException {
    WorkItem item = worker.next();
    assertThat(item.getOrchestratorRequest().getInstanceId()).isEqualTo(id);
    sidecar.answer(id, actions);
  }

  private static OrchestratorAction end(int id, OrchestrationStatus status) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setCompleteOrchestration(
            CompleteOrchestrationAction.newBuilder().setOrchestrationStatus(status))
        .build();
  }

  private boolean exists(String id) {
    return sidecar
        .call()
        .getInstance(GetInstanceRequest.newBuilder().setInstanceId(id).build())
        .getExists();
  }

  private void awaitGone(String... ids) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> List.of(ids).stream().noneMatch(this::exists));
  }

  @Test
  void endedInstancesGoWhenTheirPolicySaysChildrenWithParentsAndRunningOnesStay() throws Exception {
    startServer(dir.resolve("taskhub.db"));
    start("done");
    answerNext("done", end(0, OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
    start("stopped");
    answerNext("stopped", end(0, OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED));
    start("running");
    answerNext("running");
    start("parent");
    answerNext(
        "parent",
        OrchestratorAction.newBuilder()
            .setId(0)
            .setCreateSubOrchestration(
                CreateSubOrchestrationAction.newBuilder().setInstanceId("child").setName("Flow"))
            .build());
    answerNext("child", end(0, OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
    answerNext("parent"); // the child's result: the parent keeps running

    timers.advance(Duration.ofHours(1).plusSeconds(11));
    awaitGone("stopped");
    assertThat(exists("done")).as("completed, ended an hour ago").isTrue();

    timers.advance(Duration.ofHours(1));
    awaitGone("done");
    assertThat(exists("child")).as("a completed child of a running parent").isTrue();

    sidecar
        .call()
        .raiseEvent(RaiseEventRequest.newBuilder().setInstanceId("parent").setName("go").build());
    answerNext("parent", end(1, OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
    timers.advance(Duration.ofHours(2).plusSeconds(11));
    awaitGone("parent", "child");
    assertThat(exists("running")).as("a running instance, after 4 hours").isTrue();
  }

  @Test
  void aPolicySetAtRunTimeAppliesAtOnceAndIsReadBack() throws Exception {
    startServer(dir.resolve("taskhub.db"));
    start("recent");
    answerNext("recent", end(0, OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
    timers.advance(Duration.ofMinutes(30));
    assertThat(exists("recent")).isTrue();

    JsonNode set = http("PUT", "{\"policy\": \"completed=10m\"}");

    assertThat(set.get("policy").asText()).isEqualTo("completed=10m");
    assertThat(set.get("source").asText()).isEqualTo("hub");
    awaitGone("recent");
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .contains("taskhub_retention_purged_total{hub=\"default\",status=\"COMPLETED\"} 1.0");
    JsonNode back = http("DELETE", null);
    assertThat(back.get("policy").asText()).isEqualTo("completed=2h,terminated=1h");
    assertThat(back.get("source").asText()).isEqualTo("server");
  }

  @Test
  void instancesThatBecameDueWhileTheSchedulerWasDownGoWithTheFirstPassAfterARestart()
      throws Exception {
    Path store = dir.resolve("taskhub.db");
    startServer(store);
    List<String> ids = IntStream.range(0, 250).mapToObj(i -> "batch-" + i).toList();
    for (String id : ids) {
      start(id);
      answerNext(id, end(0, OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED));
    }
    start("still-running");
    answerNext("still-running");
    stopServer();

    // Down for three hours (a stopped server closes its timers: new ones, three hours on): nothing
    // ran, everything completed is now due. A purge cut off by a kill leaves exactly this state
    // too, with fewer due: each batch commits on its own.
    timers = new SettableTimers(timers.clock().instant().plus(Duration.ofHours(3)));
    startServer(store);
    timers.advance(Duration.ofSeconds(11));

    awaitGone(ids.toArray(String[]::new));
    assertThat(exists("still-running")).isTrue();
  }

  private JsonNode http(String method, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + server.httpPort() + "/api/v1/hubs/default/retention"))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
