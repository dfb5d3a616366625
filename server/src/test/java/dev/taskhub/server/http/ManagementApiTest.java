package dev.taskhub.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.StringValue;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.http.HttpDriver.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management API under /api/v1 against a real server and official-SDK workers: lists and
 * filters, one instance with its history and timeline, counts, and actions, including every kind of
 * bad request.
 */
class ManagementApiTest {
  private static final String HUB = "/api/v1/hubs/default";
  private static HttpDriver server;
  private static Instant before;

  @BeforeAll
  static void start() throws Exception {
    server = HttpDriver.start().workers(2);
    before = Instant.now().minusSeconds(1);
    for (int i = 1; i <= 3; i++) {
      server.completedFanOut("batch-a-" + i, 3);
    }
    server.completedFanOut("batch-b-1", 1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> ids(Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    reply.json().get("instances").forEach(i -> ids.add(i.get("instanceId").asText()));
    return ids;
  }

  private static void assertProblem(Reply reply, int status, String detailPart) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.contentType()).startsWith("application/problem+json");
    JsonNode problem = reply.json();
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("type").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).contains(detailPart);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void infoNamesTheHubsAndTheMode() throws Exception {
    JsonNode info = server.get("/api/v1/info").json();
    assertThat(info.get("taskHubs").get(0).asText()).isEqualTo("default");
    assertThat(info.get("defaultHub").asText()).isEqualTo("default");
    assertThat(info.get("readOnly").asBoolean()).isFalse();
  }

  @Test
  void listFiltersByStatusNameIdPrefixAndCreatedRange() throws Exception {
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-a")))
        .containsExactlyInAnyOrder("batch-a-1", "batch-a-2", "batch-a-3");
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&status=Completed")))
        .hasSize(4);
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&status=RUNNING,FAILED")))
        .isEmpty();
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&name=fan_out"))).hasSize(4);
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&name=nothing_like_it")))
        .isEmpty();
    String future = enc(Instant.now().plusSeconds(3600).toString());
    assertThat(ids(server.get(HUB + "/instances?createdFrom=" + future))).isEmpty();
    assertThat(
            ids(
                server.get(
                    HUB
                        + "/instances?instanceIdPrefix=batch-&createdFrom="
                        + enc(before.toString())
                        + "&createdTo="
                        + Instant.now().toEpochMilli())))
        .hasSize(4);
  }

  @Test
  void listAndCountsFilterByTags() throws Exception {
    TaskHubSidecarServiceGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .startInstance(
            CreateInstanceRequest.newBuilder()
                .setInstanceId("tagged-1")
                .setName("fan_out_fan_in_orchestrator")
                .setInput(StringValue.of("[\"Task1\"]"))
                .putTags("team", "billing")
                .putTags("tier", "gold")
                .putTags("durabletask.displayName", "Monthly billing")
                .build());
    server.awaitStatus("tagged-1", OrchestrationRuntimeStatus.COMPLETED);
    JsonNode tagged = server.get(HUB + "/instances/tagged-1").json();
    assertThat(tagged.get("name").asText()).isEqualTo("fan_out_fan_in_orchestrator");
    assertThat(tagged.get("displayName").asText()).isEqualTo("Monthly billing");
    assertThat(server.get(HUB + "/instances/batch-a-1").json().get("displayName").asText())
        .isEqualTo("fan_out_fan_in_orchestrator");

    assertThat(ids(server.get(HUB + "/instances?tag=team=billing"))).containsExactly("tagged-1");
    assertThat(ids(server.get(HUB + "/instances?tag=team=billing&tag=tier=gold")))
        .containsExactly("tagged-1");
    assertThat(ids(server.get(HUB + "/instances?tag=team=Billing"))).isEmpty();
    assertThat(server.get(HUB + "/counts?tag=tier=gold").json().get("total").asLong()).isEqualTo(1);
    assertProblem(server.get(HUB + "/instances?tag=team"), 400, "tag 'team' is not key=value");
  }

  @Test
  void listAndCountsFilterByVersion() throws Exception {
    for (String version : new String[] {"1.0", "2.0"}) {
      TaskHubSidecarServiceGrpc.newBlockingStub(server.channel())
          .withDeadlineAfter(20, TimeUnit.SECONDS)
          .startInstance(
              CreateInstanceRequest.newBuilder()
                  .setInstanceId("versioned-" + version)
                  .setName("fan_out_fan_in_orchestrator")
                  .setVersion(StringValue.of(version))
                  .setInput(StringValue.of("[\"Task1\"]"))
                  .build());
      server.awaitStatus("versioned-" + version, OrchestrationRuntimeStatus.COMPLETED);
    }

    assertThat(server.get(HUB + "/instances/versioned-2.0").json().get("version").asText())
        .isEqualTo("2.0");
    assertThat(ids(server.get(HUB + "/instances?version=2.0"))).containsExactly("versioned-2.0");
    assertThat(ids(server.get(HUB + "/instances?version=1.0&version=2.0&sort=instanceId")))
        .containsExactly("versioned-1.0", "versioned-2.0");
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-a&version=")))
        .as("an empty version: instances without one")
        .hasSize(3);
    assertThat(server.get(HUB + "/counts?version=1.0").json().get("total").asLong()).isEqualTo(1);
  }

  @Test
  void listSortsAndPagesThroughEveryMatchOnce() throws Exception {
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&sort=instanceId")))
        .containsExactly("batch-a-1", "batch-a-2", "batch-a-3", "batch-b-1");
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&sort=-instanceId")))
        .containsExactly("batch-b-1", "batch-a-3", "batch-a-2", "batch-a-1");
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-&sort=createdAt")))
        .containsExactly("batch-a-1", "batch-a-2", "batch-a-3", "batch-b-1");
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=batch-")))
        .as("newest first by default")
        .containsExactly("batch-b-1", "batch-a-3", "batch-a-2", "batch-a-1");

    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Reply page =
          server.get(
              HUB
                  + "/instances?instanceIdPrefix=batch-&sort=-lastUpdatedAt&pageSize=3"
                  + (token == null ? "" : "&continuationToken=" + enc(token)));
      seen.addAll(ids(page));
      JsonNode next = page.json().get("continuationToken");
      token = next.isNull() ? null : next.asText();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(2);
    assertThat(seen).containsExactlyInAnyOrder("batch-a-1", "batch-a-2", "batch-a-3", "batch-b-1");
  }

  @Test
  void badFiltersAreProblems() throws Exception {
    assertProblem(server.get(HUB + "/instances?status=Sleeping"), 400, "status 'Sleeping'");
    assertProblem(server.get(HUB + "/instances?createdFrom=yesterday"), 400, "createdFrom");
    assertProblem(
        server.get(
            HUB + "/instances?createdFrom=2030-01-01T00:00:00Z&createdTo=2020-01-01T00:00:00Z"),
        400,
        "createdFrom is after createdTo");
    assertProblem(server.get(HUB + "/instances?pageSize=0"), 400, "pageSize");
    assertProblem(server.get(HUB + "/instances?pageSize=lots"), 400, "pageSize");
    assertProblem(server.get(HUB + "/instances?sort=random"), 400, "sort 'random'");
    assertProblem(server.get(HUB + "/instances?continuationToken=garbage"), 400, "garbage");
    String token =
        server
            .get(HUB + "/instances?instanceIdPrefix=batch-&pageSize=1&sort=instanceId")
            .json()
            .get("continuationToken")
            .asText();
    assertProblem(
        server.get(HUB + "/instances?pageSize=1&sort=-createdAt&continuationToken=" + enc(token)),
        400,
        "another sort order");
    assertProblem(server.get(HUB + "/counts?createdTo=soon"), 400, "createdTo");
  }

  @Test
  void unknownHubsInstancesAndRoutesAreNotFound() throws Exception {
    assertProblem(server.get("/api/v1/hubs/nope/instances"), 404, "Task hub not found: nope");
    assertProblem(server.get("/api/v1/hubs/nope/counts"), 404, "Task hub not found");
    assertProblem(server.get(HUB + "/instances/missing"), 404, "missing");
    assertProblem(server.get(HUB + "/instances/missing/history"), 404, "missing");
    assertProblem(server.get(HUB + "/instances/missing/timeline"), 404, "missing");
    assertProblem(server.post(HUB + "/instances/missing/terminate", null), 404, "missing");
    assertProblem(server.post(HUB + "/instances/missing/suspend", null), 404, "missing");
    assertProblem(server.post(HUB + "/instances/missing/resume", null), 404, "missing");
    assertProblem(server.post(HUB + "/instances/missing/events/go", "1"), 404, "missing");
    assertProblem(server.post(HUB + "/instances/missing/restart", null), 404, "missing");
    assertProblem(server.delete(HUB + "/instances/missing"), 404, "missing");
    assertProblem(server.get(HUB + "/instances/" + "x".repeat(101)), 400, "101 characters");
    assertProblem(server.get(HUB + "/instances/bad%01id"), 400, "control characters");
    assertProblem(server.get("/api/v1/no-such-route"), 404, "");
  }

  @Test
  void instanceDetailHistoryAndTimelineDescribeACompletedFanOut() throws Exception {
    JsonNode instance = server.get(HUB + "/instances/batch-a-1").json();
    assertThat(instance.get("status").asText()).isEqualTo("COMPLETED");
    assertThat(instance.get("name").asText()).isEqualTo(Workflows.FAN_OUT);
    assertThat(instance.get("input").get(2).asText()).isEqualTo("Task3");
    assertThat(instance.get("output").get("total_value").asInt()).isEqualTo(55 + 65 + 75);
    assertThat(instance.get("failure").isNull()).isTrue();
    assertThat(instance.get("createdAt").asText()).endsWith("Z");

    JsonNode events = server.get(HUB + "/instances/batch-a-1/history").json().get("events");
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.get("eventType").asText()));
    assertThat(types).startsWith("OrchestratorStarted", "ExecutionStarted");
    assertThat(types).contains("TaskScheduled", "TaskCompleted").endsWith("ExecutionCompleted");
    assertThat(types.stream().filter("TaskScheduled"::equals)).hasSize(4);
    JsonNode scheduled = events.get(types.indexOf("TaskScheduled"));
    assertThat(scheduled.get("taskScheduled").get("name").asText()).isEqualTo(Workflows.PROCESS);
    assertThat(scheduled.get("timestamp").asText()).endsWith("Z");
    JsonNode completed = events.get(types.indexOf("TaskCompleted")).get("taskCompleted");
    assertThat(completed.get("taskScheduledId").isInt())
        .as("task 0 is named, not omitted")
        .isTrue();
    assertThat(completed.get("result").asText()).contains("Processed_Task");

    JsonNode timeline = server.get(HUB + "/instances/batch-a-1/timeline").json();
    JsonNode items = timeline.get("items");
    assertThat(items).hasSize(4);
    for (JsonNode item : items) {
      assertThat(item.get("kind").asText()).isEqualTo("activity");
      assertThat(item.get("state").asText()).isEqualTo("COMPLETED");
      assertThat(item.get("startKnown").asBoolean()).isTrue();
      assertThat(item.get("startedAt").asLong())
          .isGreaterThanOrEqualTo(item.get("scheduledAt").asLong());
      assertThat(item.get("completedAt").asLong())
          .isGreaterThanOrEqualTo(item.get("startedAt").asLong());
    }
    assertThat(items.get(0).get("input").asText()).isEqualTo("\"Task1\"");
    assertThat(items.get(0).get("result").asText()).contains("Processed_Task1");
    assertThat(items.get(3).get("name").asText()).isEqualTo(Workflows.AGGREGATE);
  }

  @Test
  void countsAreByStatusWithFilters() throws Exception {
    JsonNode counts = server.get(HUB + "/counts?instanceIdPrefix=batch-").json();
    assertThat(counts.get("counts").get("COMPLETED").asLong()).isEqualTo(4);
    assertThat(counts.get("counts").get("RUNNING").asLong()).isZero();
    assertThat(counts.get("total").asLong()).isEqualTo(4);
    assertThat(server.get(HUB + "/counts?instanceIdPrefix=batch-a").json().get("total").asLong())
        .isEqualTo(3);
  }

  @Test
  void failedInstanceShowsItsFailureAndTheFailedActivity() throws Exception {
    server.start(Workflows.ALWAYS_FAILS, "fails-1", null);
    server.awaitStatus("fails-1", OrchestrationRuntimeStatus.FAILED);
    JsonNode instance = server.get(HUB + "/instances/fails-1").json();
    assertThat(instance.get("status").asText()).isEqualTo("FAILED");
    assertThat(instance.get("failure").get("errorMessage").asText()).isNotBlank();
    JsonNode item = server.get(HUB + "/instances/fails-1/timeline").json().get("items").get(0);
    assertThat(item.get("state").asText()).isEqualTo("FAILED");
    assertThat(item.get("failureMessage").asText()).contains("broken on purpose");
  }

  @Test
  void suspendResumeRaiseEventAndWrongStates() throws Exception {
    String id = server.runningWaiter("waiter-actions");
    String path = HUB + "/instances/" + id;
    assertThat(server.get(path).json().get("customStatus").get("stage").asText())
        .contains("waiting");

    assertThat(server.post(path + "/resume", null).status()).isEqualTo(409);
    assertThat(server.post(path + "/suspend", "{\"reason\":\"lunch\"}").status()).isEqualTo(202);
    awaitStatus(path, "SUSPENDED");
    assertProblem(server.post(path + "/suspend", null), 409, "it is SUSPENDED");
    assertThat(server.post(path + "/resume", "{}").status()).isEqualTo(202);
    awaitStatus(path, "RUNNING");

    assertProblem(server.post(path + "/events/" + Workflows.APPROVAL_EVENT, "{oops"), 400, "JSON");
    assertProblem(server.post(path + "/suspend", "{\"reason\":5}"), 400, "reason");
    assertThat(server.post(path + "/events/" + Workflows.APPROVAL_EVENT, "\"Ada\"").status())
        .isEqualTo(202);
    server.awaitStatus(id, OrchestrationRuntimeStatus.COMPLETED);
    assertThat(server.get(path).json().get("output").asText()).isEqualTo("approved by Ada");

    assertProblem(server.post(path + "/terminate", null), 409, "it is COMPLETED");
    assertProblem(server.post(path + "/suspend", null), 409, "it is COMPLETED");
    assertProblem(server.post(path + "/events/late", "1"), 409, "it is COMPLETED");
  }

  @Test
  void terminateEndsARunningInstanceWithTheReason() throws Exception {
    String id = server.runningWaiter("waiter-terminate");
    String path = HUB + "/instances/" + id;
    assertProblem(server.delete(path), 409, id);
    assertThat(server.post(path + "/terminate", "{\"reason\":\"not needed\"}").status())
        .isEqualTo(202);
    server.awaitStatus(id, OrchestrationRuntimeStatus.TERMINATED);
    assertThat(server.get(path).json().get("output").asText()).isEqualTo("not needed");
  }

  @Test
  void restartRunsAnEndedInstanceAgainUnderItsIdOrANewOne() throws Exception {
    server.completedFanOut("restart-me", 2);
    Reply again = server.post(HUB + "/instances/restart-me/restart", null);
    assertThat(again.status()).as(again.toString()).isEqualTo(202);
    assertThat(again.json().get("instanceId").asText()).isEqualTo("restart-me");
    server.awaitStatus("restart-me", OrchestrationRuntimeStatus.COMPLETED);

    Reply fresh = server.post(HUB + "/instances/restart-me/restart", "{\"newInstanceId\":true}");
    assertThat(fresh.status()).isEqualTo(202);
    String newId = fresh.json().get("instanceId").asText();
    assertThat(newId).isNotEqualTo("restart-me");
    server.awaitStatus(newId, OrchestrationRuntimeStatus.COMPLETED);
    assertThat(server.get(HUB + "/instances/" + newId).json().get("input").get(1).asText())
        .isEqualTo("Task2");

    String running = server.runningWaiter("restart-running");
    assertProblem(server.post(HUB + "/instances/" + running + "/restart", null), 409, running);
    assertProblem(
        server.post(HUB + "/instances/restart-me/restart", "{\"newInstanceId\":1}"),
        400,
        "newInstanceId");
  }

  @Test
  void purgeOneAndPurgeByFilter() throws Exception {
    server.completedFanOut("purge-me", 1);
    assertThat(server.delete(HUB + "/instances/purge-me").json().get("purged").asInt())
        .isEqualTo(1);
    assertProblem(server.get(HUB + "/instances/purge-me"), 404, "purge-me");
    assertProblem(server.delete(HUB + "/instances/purge-me"), 404, "purge-me");

    Instant from = Instant.now();
    server.completedFanOut("purge-filter-1", 1);
    server.completedFanOut("purge-filter-2", 1);
    String running = server.runningWaiter("purge-filter-running");
    assertProblem(server.delete(HUB + "/instances?status=RUNNING"), 400, "RUNNING");
    assertProblem(server.delete(HUB + "/instances?createdFrom=later"), 400, "createdFrom");
    assertProblem(server.delete(HUB + "/instances?instanceIdPrefix=p"), 400, "instanceIdPrefix");
    Reply purged =
        server.delete(HUB + "/instances?status=COMPLETED&createdFrom=" + enc(from.toString()));
    assertThat(purged.json().get("purged").asInt()).isEqualTo(2);
    assertThat(ids(server.get(HUB + "/instances?instanceIdPrefix=purge-filter")))
        .containsExactly(running);
  }

  private static void awaitStatus(String path, String status) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> server.get(path).json().get("status").asText(), status::equals);
  }
}
