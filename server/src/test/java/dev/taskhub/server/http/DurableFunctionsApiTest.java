package dev.taskhub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.taskhub.server.http.HttpDriver.Reply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Durable Functions HTTP management API shapes under /runtime/webhooks/durabletask. */
class DurableFunctionsApiTest {
  private static final String BASE = "/runtime/webhooks/durabletask/instances";
  private static HttpDriver server;

  @BeforeAll
  static void start() throws Exception {
    server =
        HttpDriver.start(config -> config.withTaskHubs(List.of("default", "other"))).workers(2);
    server.completedFanOut("df-done", 3);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertProblem(Reply reply, int status, String detailPart) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    assertThat(reply.contentType()).startsWith("application/problem+json");
    assertThat(reply.json().get("status").asInt()).isEqualTo(status);
    assertThat(reply.json().get("detail").asText()).contains(detailPart);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void statusIs200WhenDoneWithHistoryInDurableFunctionsShape() throws Exception {
    Reply reply = server.get(BASE + "/df-done?showHistory=true&showHistoryOutput=true");
    assertThat(reply.status()).isEqualTo(200);
    JsonNode status = reply.json();
    assertThat(status.get("instanceId").asText()).isEqualTo("df-done");
    assertThat(status.get("name").asText()).isEqualTo(Workflows.FAN_OUT);
    assertThat(status.get("runtimeStatus").asText()).isEqualTo("Completed");
    assertThat(status.get("input").get(0).asText()).isEqualTo("Task1");
    assertThat(status.get("output").get("total_value").asInt()).isEqualTo(195);
    assertThat(status.get("createdTime").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(status.get("lastUpdatedTime").asText()).endsWith("Z");

    JsonNode history = status.get("historyEvents");
    List<String> types = new ArrayList<>();
    history.forEach(e -> types.add(e.get("EventType").asText()));
    assertThat(types).startsWith("ExecutionStarted").endsWith("ExecutionCompleted");
    assertThat(types).doesNotContain("TaskScheduled", "OrchestratorStarted");
    JsonNode task = history.get(types.indexOf("TaskCompleted"));
    assertThat(task.get("FunctionName").asText()).isEqualTo(Workflows.PROCESS);
    assertThat(task.get("ScheduledTime").asText()).endsWith("Z");
    assertThat(task.get("Result").get("processed").asText()).startsWith("Processed_Task");
    assertThat(history.get(types.size() - 1).get("OrchestrationStatus").asText())
        .isEqualTo("Completed");

    JsonNode plain = server.get(BASE + "/df-done?showInput=false&showHistory=true").json();
    assertThat(plain.get("input").isNull()).isTrue();
    assertThat(plain.get("historyEvents").get(types.indexOf("TaskCompleted")).has("Result"))
        .isFalse();
    assertThat(server.get(BASE + "/df-done").json().has("historyEvents")).isFalse();
  }

  @Test
  void statusIs202WhileRunningThenActionsAnswer202() throws Exception {
    String id = server.runningWaiter("df-running");
    Reply running = server.get(BASE + "/" + id);
    assertThat(running.status()).isEqualTo(202);
    assertThat(running.json().get("runtimeStatus").asText()).isEqualTo("Running");
    assertThat(running.headers().firstValue("Location")).isPresent();
    assertThat(running.json().get("customStatus").get("stage").asText()).contains("waiting");

    assertThat(server.post(BASE + "/" + id + "/suspend?reason=pause", null).status())
        .isEqualTo(202);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(
            () -> server.get(BASE + "/" + id).json().get("runtimeStatus").asText(),
            "Suspended"::equals);
    assertThat(server.post(BASE + "/" + id + "/resume?reason=go", null).status()).isEqualTo(202);
    assertThat(
            server
                .post(BASE + "/" + id + "/raiseEvent/" + Workflows.APPROVAL_EVENT, "\"Grace\"")
                .status())
        .isEqualTo(202);
    server.awaitStatus(id, OrchestrationRuntimeStatus.COMPLETED);
    assertThat(server.get(BASE + "/" + id).json().get("output").asText())
        .isEqualTo("approved by Grace");
  }

  @Test
  void terminateTakesTheReasonAsOutput() throws Exception {
    String id = server.runningWaiter("df-terminate");
    assertThat(
            server
                .post(BASE + "/" + id + "/terminate?reason=" + enc("no longer needed"), null)
                .status())
        .isEqualTo(202);
    server.awaitStatus(id, OrchestrationRuntimeStatus.TERMINATED);
    JsonNode status = server.get(BASE + "/" + id).json();
    assertThat(status.get("runtimeStatus").asText()).isEqualTo("Terminated");
    assertThat(status.get("output").asText()).isEqualTo("no longer needed");
  }

  @Test
  void actionsOnEndedInstancesAreGoneAndUnknownOnesNotFound() throws Exception {
    assertProblem(server.post(BASE + "/df-done/terminate", null), 410, "it is COMPLETED");
    assertProblem(server.post(BASE + "/df-done/raiseEvent/x", "{}"), 410, "it is COMPLETED");
    assertProblem(server.post(BASE + "/df-done/suspend", null), 410, "it is COMPLETED");
    assertProblem(server.post(BASE + "/df-done/resume", null), 410, "it is COMPLETED");
    assertProblem(server.get(BASE + "/nobody"), 404, "nobody");
    assertProblem(server.post(BASE + "/nobody/terminate", null), 404, "nobody");
    assertProblem(server.post(BASE + "/nobody/raiseEvent/x", null), 404, "nobody");
    assertProblem(server.post(BASE + "/nobody/suspend", null), 404, "nobody");
    assertProblem(server.post(BASE + "/nobody/resume", null), 404, "nobody");
    assertProblem(server.post(BASE + "/nobody/restart", null), 404, "nobody");
    assertProblem(server.post(BASE + "/nobody/rewind", null), 404, "nobody");
    assertProblem(server.get(BASE + "/df-done?taskHub=nope"), 404, "Task hub not found: nope");
    assertProblem(server.get(BASE + "/df-done?taskHub=other"), 404, "df-done");
    assertProblem(server.get(BASE + "/df-done?showHistory=maybe"), 400, "showHistory");
    assertProblem(server.post(BASE + "/df-done/raiseEvent/x", "{bad json"), 400, "JSON");
  }

  @Test
  void restartStartsAnEndedInstanceAgainAndOnlyFailedInstancesRewind() throws Exception {
    server.completedFanOut("df-restart", 1);
    Reply restarted = server.post(BASE + "/df-restart/restart?restartWithNewInstanceId=true", null);
    assertThat(restarted.status()).isEqualTo(202);
    String newId = restarted.json().get("instanceId").asText();
    assertThat(newId).isNotEqualTo("df-restart");
    server.awaitStatus(newId, OrchestrationRuntimeStatus.COMPLETED);
    String running = server.runningWaiter("df-restart-running");
    assertProblem(server.post(BASE + "/" + running + "/restart", null), 410, running);
    assertProblem(server.post(BASE + "/df-done/rewind?reason=again", null), 410, "df-done");
  }

  @Test
  void failedInstanceAnswers500OnlyWhenAsked() throws Exception {
    server.start(Workflows.ALWAYS_FAILS, "df-failed", null);
    server.awaitStatus("df-failed", OrchestrationRuntimeStatus.FAILED);
    Reply plain = server.get(BASE + "/df-failed");
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.json().get("runtimeStatus").asText()).isEqualTo("Failed");
    assertThat(plain.json().get("output").asText()).isNotBlank();
    assertThat(server.get(BASE + "/df-failed?returnInternalServerErrorOnFailure=true").status())
        .isEqualTo(500);
  }

  @Test
  void listFiltersAndPagesWithTheContinuationHeader() throws Exception {
    Instant from = Instant.now();
    for (int i = 1; i <= 3; i++) {
      server.completedFanOut("df-list-" + i, 1);
    }
    String filter =
        "?instanceIdPrefix=df-list-&runtimeStatus=Completed,Failed&createdTimeFrom="
            + enc(from.toString());
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Reply page =
          token == null
              ? server.get(BASE + filter + "&top=2")
              : server.get(BASE + filter + "&top=2", "x-ms-continuation-token", token);
      assertThat(page.status()).isEqualTo(200);
      page.json().forEach(instance -> seen.add(instance.get("instanceId").asText()));
      assertThat(page.json().get(0).get("input").isNull())
          .as("showInput defaults to false")
          .isTrue();
      token = page.headers().firstValue("x-ms-continuation-token").orElse(null);
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(2);
    assertThat(seen).containsExactlyInAnyOrder("df-list-1", "df-list-2", "df-list-3");
    assertThat(server.get(BASE + "?runtimeStatus=Running&instanceIdPrefix=df-list-").json())
        .isEmpty();

    assertProblem(server.get(BASE + "?runtimeStatus=Napping"), 400, "Napping");
    assertProblem(server.get(BASE + "?top=-1"), 400, "top");
    assertProblem(server.get(BASE + "?createdTimeFrom=noon"), 400, "createdTimeFrom");
    assertProblem(server.get(BASE, "x-ms-continuation-token", "not-a-token"), 400, "not-a-token");
  }

  @Test
  void purgeOneAndByFilter() throws Exception {
    server.completedFanOut("df-purge", 1);
    assertThat(server.delete(BASE + "/df-purge").json().get("instancesDeleted").asInt())
        .isEqualTo(1);
    assertProblem(server.delete(BASE + "/df-purge"), 404, "df-purge");
    String running = server.runningWaiter("df-purge-running");
    assertProblem(server.delete(BASE + "/" + running), 410, running);

    Instant from = Instant.now();
    server.completedFanOut("df-purge-a", 1);
    server.completedFanOut("df-purge-b", 1);
    assertProblem(server.delete(BASE), 400, "createdTimeFrom is required");
    Reply purged =
        server.delete(BASE + "?runtimeStatus=Completed&createdTimeFrom=" + enc(from.toString()));
    assertThat(purged.status()).isEqualTo(200);
    assertThat(purged.json().get("instancesDeleted").asInt()).isEqualTo(2);
    assertProblem(
        server.delete(BASE + "?runtimeStatus=Completed&createdTimeFrom=" + enc(from.toString())),
        404,
        "No ended instances");
  }
}
