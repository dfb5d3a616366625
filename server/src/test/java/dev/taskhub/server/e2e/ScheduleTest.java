package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TerminateRequest;
import dev.taskhub.server.engine.SettableTimers;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recurring schedules through {@code /api/v1} on a settable clock (from 2026-12-01T08:00:00Z): each
 * overlap policy, catch-up after the scheduler was down for three intervals, pause, resume,
 * trigger, update and delete, and bad input. No worker runs: runs stay pending until a test
 * terminates them, which is what "the previous run is still going" needs.
 */
class ScheduleTest {
  private static final String[] POLICIES = {
    "skip", "buffer_one", "allow_all", "terminate_previous"
  };

  @TempDir Path dir;

  private SettableTimers timers = SettableTimers.startingAt2026();
  private TestScheduler server;
  private ManagedChannel channel;
  private RawSidecar sidecar;
  private ScheduleApi api;

  private void startServer() {
    server =
        TestScheduler.builder().sqliteFile(dir.resolve("taskhub.db")).http().timers(timers).start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
    api = new ScheduleApi(server.httpPort());
  }

  private void stopServer() {
    channel.shutdownNow();
    server.close();
    server = null;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      stopServer();
    }
  }

  private static String everyMinute(String id, String overlap, String catchUp) {
    return """
        {"id": "%s", "orchestration": "Report", "input": {"region": "eu"}, "interval": "1m",
         "overlap": "%s", "catchUpWindow": "%s"}"""
        .formatted(id, overlap, catchUp);
  }

  private JsonNode awaitSchedule(String id, Predicate<JsonNode> condition) {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.get(id), condition);
  }

  private boolean exists(String instanceId) {
    return sidecar
        .call()
        .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instanceId).build())
        .getExists();
  }

  private void terminate(String instanceId) {
    sidecar
        .call()
        .terminateInstance(TerminateRequest.newBuilder().setInstanceId(instanceId).build());
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                sidecar.status(instanceId) == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
  }

  @Test
  void eachOverlapPolicyDecidesWhatAFireTimeDoesWhileThePreviousRunIsGoing() throws Exception {
    startServer();
    for (String policy : POLICIES) {
      JsonNode created = api.create(everyMinute(policy, policy, "10m"));
      assertThat(created.get("nextRunAt").asText()).isEqualTo("2026-12-01T08:01:00Z");
      assertThat(created.get("status").asText()).isEqualTo("active");
    }

    timers.advance(Duration.ofMinutes(1));
    for (String policy : POLICIES) {
      awaitSchedule(policy, s -> s.get("runs").asLong() == 1);
      assertThat(exists(policy + "-20261201T080100Z")).isTrue();
    }

    timers.advance(Duration.ofMinutes(1)); // 08:02 while every 08:01 run is still pending
    JsonNode skip = awaitSchedule("skip", s -> s.get("skipped").asLong() == 1);
    assertThat(skip.get("runs").asLong()).isEqualTo(1);
    assertThat(exists("skip-20261201T080200Z")).isFalse();

    JsonNode allowAll = awaitSchedule("allow_all", s -> s.get("runs").asLong() == 2);
    assertThat(allowAll.get("lastInstanceId").asText()).isEqualTo("allow_all-20261201T080200Z");
    assertThat(sidecar.status("allow_all-20261201T080100Z"))
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);

    awaitSchedule("terminate_previous", s -> s.get("runs").asLong() == 2);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                sidecar.status("terminate_previous-20261201T080100Z")
                    == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
    assertThat(sidecar.status("terminate_previous-20261201T080200Z"))
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);

    JsonNode buffered =
        awaitSchedule(
            "buffer_one", s -> "2026-12-01T08:02:00Z".equals(s.get("bufferedRunAt").asText()));
    assertThat(buffered.get("runs").asLong()).isEqualTo(1);
    terminate("buffer_one-20261201T080100Z");
    timers.advance(Duration.ofSeconds(1));
    buffered = awaitSchedule("buffer_one", s -> s.get("runs").asLong() == 2);
    assertThat(buffered.get("lastInstanceId").asText()).isEqualTo("buffer_one-20261201T080200Z");
    assertThat(buffered.get("bufferedRunAt").isNull()).isTrue();
    assertThat(buffered.get("lastRunAt").asText()).isEqualTo("2026-12-01T08:02:00Z");

    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("taskhub_schedule_lag_seconds_count{hub=\"default\"} 6");
  }

  @Test
  void aRunStartsWhenTheClockReachesItsFireTimeNotAtTheNextPoll() {
    // The polls and retry ticks come at .400 of a second; fire times are whole seconds.
    timers = new SettableTimers(Instant.parse("2026-12-01T08:00:00.400Z"));
    startServer();
    api.create(
        """
        {"id": "soon", "orchestration": "Report", "interval": "1m",
         "startAt": "2026-12-01T08:00:02Z"}""");

    timers.advance(Duration.ofMillis(1_600)); // to 08:00:02.000 exactly, and no further
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exists("soon-20261201T080002Z"));
    assertThat(awaitSchedule("soon", s -> s.get("runs").asLong() == 1).get("nextRunAt").asText())
        .isEqualTo("2026-12-01T08:01:02Z");

    // An update that brings the next fire time closer re-arms the timer for it.
    JsonNode updated =
        api.expect(
            200,
            "PUT",
            "/soon",
            """
            {"orchestration": "Report", "interval": "3s", "startAt": "2026-12-01T08:00:02Z",
             "overlap": "allow_all"}""");
    assertThat(updated.get("nextRunAt").asText()).isEqualTo("2026-12-01T08:00:05Z");
    timers.advance(Duration.ofSeconds(3)); // to 08:00:05.000 exactly
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> exists("soon-20261201T080005Z"));
  }

  @Test
  void afterThreeIntervalsDownTheMissedFireTimesAreFiredAsEachPolicySays() {
    startServer();
    for (String policy : POLICIES) {
      api.create(everyMinute(policy, policy, "10m"));
    }
    api.create(everyMinute("short-window", "allow_all", "90s"));
    stopServer();

    // Down over 08:01, 08:02 and 08:03; back at 08:03:30.
    timers = new SettableTimers(timers.clock().instant().plus(Duration.ofSeconds(210)));
    startServer();

    JsonNode allowAll = awaitSchedule("allow_all", s -> s.get("runs").asLong() == 3);
    assertThat(allowAll.get("nextRunAt").asText()).isEqualTo("2026-12-01T08:04:00Z");
    for (String minute : new String[] {"0801", "0802", "0803"}) {
      assertThat(exists("allow_all-20261201T" + minute + "00Z")).isTrue();
    }

    JsonNode skip = awaitSchedule("skip", s -> s.get("skipped").asLong() == 2);
    assertThat(skip.get("runs").asLong()).isEqualTo(1);
    assertThat(skip.get("lastInstanceId").asText()).isEqualTo("skip-20261201T080100Z");

    JsonNode buffer =
        awaitSchedule(
            "buffer_one", s -> s.get("skipped").asLong() == 1 && !s.get("bufferedRunAt").isNull());
    assertThat(buffer.get("runs").asLong()).isEqualTo(1);
    assertThat(buffer.get("bufferedRunAt").asText()).isEqualTo("2026-12-01T08:02:00Z");

    awaitSchedule("terminate_previous", s -> s.get("runs").asLong() == 3);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                sidecar.status("terminate_previous-20261201T080100Z")
                        == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED
                    && sidecar.status("terminate_previous-20261201T080200Z")
                        == OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
    assertThat(sidecar.status("terminate_previous-20261201T080300Z"))
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);

    // 08:01 is older than 90 s at 08:03:30: skipped and counted; 08:02 and 08:03 are fired.
    JsonNode shortWindow = awaitSchedule("short-window", s -> s.get("runs").asLong() == 2);
    assertThat(shortWindow.get("missed").asLong()).isEqualTo(1);
    assertThat(exists("short-window-20261201T080100Z")).isFalse();
    assertThat(exists("short-window-20261201T080200Z")).isTrue();
  }

  @Test
  void aScheduleIsPausedResumedTriggeredUpdatedAndDeleted() {
    startServer();
    api.create(everyMinute("nightly", "allow_all", "10m"));

    JsonNode paused = api.expect(200, "POST", "/nightly/pause", null);
    assertThat(paused.get("status").asText()).isEqualTo("paused");
    timers.advance(Duration.ofMinutes(2));
    assertThat(api.get("nightly").get("runs").asLong()).isZero();

    JsonNode triggered = api.expect(202, "POST", "/nightly/trigger", null);
    String runId = triggered.get("instanceId").asText();
    assertThat(runId).isEqualTo("nightly-20261201T080200Z");
    assertThat(exists(runId)).isTrue();
    assertThat(api.get("nightly").get("runs").asLong()).isEqualTo(1);

    JsonNode resumed = api.expect(200, "POST", "/nightly/resume", null);
    assertThat(resumed.get("status").asText()).isEqualTo("active");
    assertThat(resumed.get("nextRunAt").asText())
        .as("fire times passed while paused are not caught up")
        .isEqualTo("2026-12-01T08:03:00Z");
    timers.advance(Duration.ofMinutes(1));
    awaitSchedule("nightly", s -> s.get("runs").asLong() == 2);

    JsonNode updated =
        api.expect(
            200,
            "PUT",
            "/nightly",
            """
            {"orchestration": "Report", "cron": "0 2 * * *", "timeZone": "Europe/Berlin",
             "overlap": "buffer_one"}""");
    assertThat(updated.get("nextRunAt").asText()).isEqualTo("2026-12-02T01:00:00Z");
    assertThat(updated.get("cron").asText()).isEqualTo("0 2 * * *");
    assertThat(updated.get("interval").isNull()).isTrue();
    assertThat(updated.get("overlap").asText()).isEqualTo("buffer_one");
    assertThat(updated.get("runs").asLong()).isEqualTo(2);
    assertThat(api.expect(200, "GET", "", null).get("schedules")).hasSize(1);

    assertThat(api.call("DELETE", "/nightly", null).status()).isEqualTo(204);
    assertThat(api.call("GET", "/nightly", null).status()).isEqualTo(404);
    assertThat(api.call("DELETE", "/nightly", null).status()).isEqualTo(404);
    assertThat(exists(runId)).as("a deleted schedule's runs stay").isTrue();
  }

  @Test
  void badInputIsRefusedWithAProblemNamingIt() {
    startServer();
    assertProblem(
        400, "POST", "", "{\"orchestration\": \"Report\", \"cron\": \"0 2 * * *\"}", "id");
    assertProblem(
        400,
        "POST",
        "",
        "{\"id\": \"a\", \"orchestration\": \"R\", \"cron\": \"0 25 * * *\"}",
        "cron");
    assertProblem(
        400,
        "POST",
        "",
        "{\"id\": \"a\", \"orchestration\": \"R\", \"cron\": \"0 2 * * *\", \"interval\": \"1m\"}",
        "exactly one of cron");
    assertProblem(
        400,
        "POST",
        "",
        "{\"id\": \"a\", \"orchestration\": \"R\", \"interval\": \"1m\", \"timeZone\": \"Nowhere\"}",
        "timeZone");
    assertProblem(
        400,
        "POST",
        "",
        "{\"id\": \"a\", \"orchestration\": \"R\", \"interval\": \"soon\"}",
        "interval 'soon'");
    assertProblem(
        400,
        "POST",
        "",
        "{\"id\": \"a\", \"orchestration\": \"R\", \"interval\": \"1m\", \"overlap\": \"queue\"}",
        "overlap 'queue'");
    assertProblem(
        400, "POST", "", "{\"id\": \"a\", \"orchestration\": \"R\", \"every\": \"1m\"}", "every");
    assertProblem(
        400,
        "POST",
        "",
        "{\"id\": \"a b\", \"orchestration\": \"R\", \"interval\": \"1m\"}",
        "a b");
    assertProblem(400, "POST", "", "not json", "JSON");
    api.create(everyMinute("nightly", "skip", "1m"));
    assertProblem(409, "POST", "", everyMinute("nightly", "skip", "1m"), "nightly");
    assertProblem(404, "POST", "/weekly/pause", null, "weekly");
    assertProblem(
        400,
        "PUT",
        "/nightly",
        "{\"id\": \"other\", \"orchestration\": \"R\", \"interval\": \"1m\"}",
        "other");
    assertThat(api.get("nightly").get("interval").asText()).as("unchanged").isEqualTo("1m");
  }

  private void assertProblem(int status, String method, String path, String body, String text) {
    ScheduleApi.Answer answer = api.call(method, path, body);
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(status);
    assertThat(answer.body().get("detail").asText()).contains(text);
  }
}
