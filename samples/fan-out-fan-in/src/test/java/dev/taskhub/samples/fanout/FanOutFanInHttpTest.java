package dev.taskhub.samples.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.sdk.client.InstanceQuery;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed's app end to end: HTTP requests to the app, the real scheduler behind it, the SDK's
 * worker running the orchestrator and activities.
 */
class FanOutFanInHttpTest {
  private static final String SIX_ITEMS =
      "{\"workItems\": [\"Task1\", \"Task2\", \"Task3\", \"Task4\", \"Task5\", \"Task6\"]}";

  private RunningApp running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  /** Values and times of the seed's README example: 50 + 55 + 60 = 165, 1.1 + 1.2 + 1.17 = 3.47. */
  private static final Map<String, WorkSimulator.Outcome> SEED_EXAMPLE =
      Map.of(
          "Task1", new WorkSimulator.Outcome(50, 1.1),
          "Task2", new WorkSimulator.Outcome(55, 1.2),
          "Task3", new WorkSimulator.Outcome(60, 1.17));

  @Test
  void theSeedsDefaultRequestProducesTheSeedsOutput() {
    running = RunningApp.start(SEED_EXAMPLE::get);

    HttpResponse<String> started = running.startFanOut("{}");

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    JsonNode check = RunningApp.json(started);
    String id = check.get("id").asText();
    assertThat(started.headers().firstValue("Location"))
        .contains(check.get("statusQueryGetUri").asText());
    running.awaitCompletion(id);

    HttpResponse<String> status = running.get(running.uri("/api/status/" + id));
    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode body = RunningApp.json(status);
    assertThat(body.get("name").asText()).isEqualTo("fan_out_fan_in_orchestrator");
    assertThat(body.get("instanceId").asText()).isEqualTo(id);
    assertThat(body.get("runtimeStatus").asText()).isEqualTo("Completed");
    assertThat(body.get("input")).isEqualTo(Json.tree("[\"Task1\",\"Task2\",\"Task3\"]"));
    assertThat(body.get("customStatus"))
        .isEqualTo(Json.tree("{\"stage\":\"completed\",\"completed\":3,\"total\":3}"));
    assertThat(body.get("createdTime").asText()).isNotEmpty();
    assertThat(body.get("lastUpdatedTime").asText()).isNotEmpty();
    assertThat(body.get("output"))
        .isEqualTo(
            Json.tree(
                """
                {
                  "total_items_processed": 3,
                  "total_value": 165,
                  "average_value": 55.0,
                  "total_processing_time": 3.47,
                  "processed_items": ["Processed_Task1", "Processed_Task2", "Processed_Task3"],
                  "success": true
                }
                """));
    assertThat(status.body()).contains("\"average_value\": 55.0");
  }

  @Test
  void theSeedsSixCustomItemsAreProcessedAndSummedInOrder() {
    // Task<n> is worth 10 * n and takes 0.25 s: 210 in all, 35.0 on average, 1.5 s of work.
    running =
        RunningApp.start(
            item -> new WorkSimulator.Outcome(10 * Integer.parseInt(item.substring(4)), 0.25));

    HttpResponse<String> started = running.startFanOut(SIX_ITEMS);

    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = RunningApp.json(started).get("id").asText();
    running.awaitCompletion(id);
    JsonNode output = RunningApp.json(running.get(running.uri("/api/status/" + id))).get("output");
    assertThat(output.get("total_items_processed").asInt()).isEqualTo(6);
    assertThat(output.get("total_value").asLong()).isEqualTo(210);
    assertThat(output.get("average_value").asDouble()).isEqualTo(35.0);
    assertThat(output.get("total_processing_time").asDouble()).isEqualTo(1.5);
    assertThat(output.get("success").asBoolean()).isTrue();
    assertThat(output.get("processed_items"))
        .extracting(JsonNode::asText)
        .containsExactly(
            "Processed_Task1",
            "Processed_Task2",
            "Processed_Task3",
            "Processed_Task4",
            "Processed_Task5",
            "Processed_Task6");
  }

  @Test
  void threeItemsFinishInAboutTheSlowestItemsTimeNotTheSum() {
    // Real work: 0.5 s, 0.75 s and 1.0 s of sleep; one after another they would take 2.25 s.
    Map<String, Double> seconds = Map.of("Task1", 0.5, "Task2", 0.75, "Task3", 1.0);
    running =
        RunningApp.start(
            item -> {
              Thread.sleep(Duration.ofMillis(Math.round(seconds.get(item) * 1000)));
              return new WorkSimulator.Outcome(10, seconds.get(item));
            });
    running.startFanOut("{}"); // warm up the worker's connection and the JIT

    long begin = System.nanoTime();
    HttpResponse<String> started =
        running.startFanOut("{\"workItems\": [\"Task1\", \"Task2\", \"Task3\"]}");
    running.awaitCompletion(RunningApp.json(started).get("id").asText());
    Duration wall = Duration.ofNanos(System.nanoTime() - begin);

    assertThat(wall)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1))
        .isLessThan(Duration.ofMillis(1900));
  }

  @Test
  void theCheckStatusUrisManageTheInstance() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    running =
        RunningApp.start(
            item -> {
              release.await(30, TimeUnit.SECONDS);
              return new WorkSimulator.Outcome(10, 0.5);
            });
    try {
      JsonNode check = RunningApp.json(running.startFanOut("{}"));
      String statusUri = check.get("statusQueryGetUri").asText();
      await().until(() -> runtimeStatus(running.get(statusUri)).equals("Running"));
      assertThat(running.get(statusUri).statusCode()).isEqualTo(202);

      assertThat(running.post(reason(check, "suspendPostUri")).statusCode()).isEqualTo(202);
      await().until(() -> runtimeStatus(running.get(statusUri)).equals("Suspended"));
      assertThat(running.post(reason(check, "resumePostUri")).statusCode()).isEqualTo(202);
      await().until(() -> runtimeStatus(running.get(statusUri)).equals("Running"));

      String eventUri = check.get("sendEventPostUri").asText().replace("{eventName}", "ping");
      assertThat(running.post(eventUri).statusCode()).isEqualTo(202);

      assertThat(running.post(reason(check, "terminatePostUri")).statusCode()).isEqualTo(202);
      await().until(() -> runtimeStatus(running.get(statusUri)).equals("Terminated"));
      assertThat(running.get(statusUri).statusCode()).isEqualTo(200);

      HttpResponse<String> purged = running.delete(check.get("purgeHistoryDeleteUri").asText());
      assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
      assertThat(RunningApp.json(purged).get("instancesDeleted").asInt()).isEqualTo(1);
      assertThat(running.get(statusUri).statusCode()).isEqualTo(404);
    } finally {
      release.countDown();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not JSON               | Task1, Task2                    | not valid JSON",
        "not an object          | [\"Task1\"]                     | must be a JSON object",
        "workItems not a list   | {\"workItems\": \"Task1\"}      | workItems must be a list of strings",
        "an item not a string   | {\"workItems\": [\"Task1\", 2]} | workItems[1] must be a string",
        "an empty item          | {\"workItems\": [\"\"]}         | workItems[0] must not be empty",
        "no items               | {\"workItems\": []}             | at least one item",
        "more than the limit    | {\"workItems\": [\"a\", \"b\", \"c\", \"d\"]} | at most 3 are allowed",
      })
  void aBadBodyIsRefusedWith400AndStartsNothing(String why, String body, String detail) {
    running = RunningApp.start(item -> new WorkSimulator.Outcome(10, 0.5), 3);

    HttpResponse<String> answer = running.startFanOut(body);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(answer.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/problem+json");
    JsonNode problem = RunningApp.json(answer);
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.get("detail").asText()).contains(detail);
    assertThat(running.app.client().query(InstanceQuery.all()).toList()).isEmpty();
  }

  @Test
  void anUnknownInstanceIdIs404() {
    running = RunningApp.start(item -> new WorkSimulator.Outcome(10, 0.5));

    HttpResponse<String> answer = running.get(running.uri("/api/status/no-such-instance"));

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(RunningApp.json(answer).get("detail").asText()).contains("no-such-instance");
  }

  @Test
  void theTriggerAnswersPostOnly() {
    running = RunningApp.start(item -> new WorkSimulator.Outcome(10, 0.5));

    HttpResponse<String> answer = running.get(running.app.triggerUri().toString());

    assertThat(answer.statusCode()).isEqualTo(405);
    assertThat(answer.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void theSeedsAggregationRoundsToTwoDecimals() {
    AggregateResults.Summary summary =
        AggregateResults.aggregate(
            List.of(
                new WorkItemResult("a", "Processed_a", 10, 0.56),
                new WorkItemResult("b", "Processed_b", 11, 0.5),
                new WorkItemResult("c", "Processed_c", 11, 0.5)));

    assertThat(summary.averageValue()).isEqualTo(10.67);
    assertThat(summary.totalProcessingTime()).isEqualTo(1.56);
    assertThat(summary.totalValue()).isEqualTo(32);
  }

  private static String runtimeStatus(HttpResponse<String> response) {
    return RunningApp.json(response).get("runtimeStatus").asText();
  }

  private static String reason(JsonNode check, String field) {
    return check.get(field).asText().replace("{text}", "test");
  }
}
