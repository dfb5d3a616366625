package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code taskhub schedule …} against a scheduler's HTTP API, the README's "Schedules" commands
 * among them; runs complete on an SDK worker.
 */
class ScheduleCommandTest {
  private TestScheduler scheduler;
  private Cli cli;
  private String http;

  @BeforeEach
  void startScheduler() {
    scheduler = TestScheduler.builder().http().start();
    Workflows.startWorker(scheduler);
    cli = Cli.against(scheduler);
    http = "http://localhost:" + scheduler.httpPort();
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private Cli.Result schedule(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "schedule";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--http-endpoint";
    all[args.length + 2] = http;
    return cli.run(all);
  }

  @Test
  void schedulesAreCreatedListedTriggeredPausedResumedUpdatedAndDeleted() {
    Cli.Result created =
        schedule(
            "create",
            "nightly-report",
            "--orchestration",
            "FanOutFanIn",
            "--cron",
            "0 2 * * *",
            "--time-zone",
            "Europe/Berlin",
            "--input",
            "[\"a\",\"b\"]",
            "--overlap",
            "skip");
    assertThat(created.code()).as("%s", created).isZero();
    assertThat(created.out())
        .contains("Created schedule nightly-report")
        .containsPattern("When\\s+0 2 \\* \\* \\* \\(Europe/Berlin\\)");
    Cli.Result every =
        schedule(
            "create", "heartbeat", "--orchestration", "FanOutFanIn", "--every", "5m", "-o", "json");
    assertThat(every.json().path("interval").asText()).isEqualTo("PT5M");

    Cli.Result listed = schedule("list");
    assertThat(listed.out())
        .containsPattern("SCHEDULE\\s+ORCHESTRATION\\s+WHEN\\s+STATUS\\s+NEXT RUN")
        .containsPattern("heartbeat\\s+FanOutFanIn\\s+every 5m\\s+active")
        .contains("nightly-report");
    List<JsonNode> lines = schedule("list", "-o", "json").jsonLines();
    assertThat(lines)
        .extracting(l -> l.path("id").asText())
        .containsExactly("heartbeat", "nightly-report");

    Cli.Result triggered = schedule("trigger", "nightly-report");
    String instanceId = triggered.out().strip();
    assertThat(instanceId).startsWith("nightly-report-");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cli.run("status", instanceId, "-o", "json")
                    .json()
                    .path("status")
                    .asText()
                    .equals("COMPLETED"));

    JsonNode paused = schedule("pause", "nightly-report", "-o", "json").json();
    assertThat(paused.path("status").asText()).isEqualTo("paused");
    JsonNode resumed = schedule("resume", "nightly-report", "-o", "json").json();
    assertThat(resumed.path("status").asText()).isEqualTo("active");
    JsonNode got = schedule("get", "nightly-report", "-o", "json").json();
    assertThat(got.path("runs").asLong()).isEqualTo(1);
    assertThat(got.path("lastInstanceId").asText()).isEqualTo(instanceId);

    JsonNode updated =
        schedule(
                "update",
                "heartbeat",
                "--orchestration",
                "FanOutFanIn",
                "--every",
                "10m",
                "--overlap",
                "allow_all",
                "-o",
                "json")
            .json();
    assertThat(updated.path("interval").asText()).isEqualTo("PT10M");
    assertThat(updated.path("overlap").asText()).isEqualTo("allow_all");

    assertThat(schedule("delete", "heartbeat").code()).isZero();
    Cli.Result gone = schedule("get", "heartbeat");
    assertThat(gone.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(gone.errLines()).singleElement().asString().contains("heartbeat");
  }

  @Test
  void badSchedulesAreRefusedWithTheReason() {
    Cli.Result badCron =
        schedule("create", "bad", "--orchestration", "FanOutFanIn", "--cron", "every night");
    assertThat(badCron.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(badCron.errLines()).singleElement().asString().contains("five fields");
    Cli.Result both =
        schedule(
            "create",
            "bad",
            "--orchestration",
            "FanOutFanIn",
            "--cron",
            "0 2 * * *",
            "--every",
            "5m");
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    Cli.Result zone =
        schedule(
            "create",
            "bad",
            "--orchestration",
            "FanOutFanIn",
            "--every",
            "5m",
            "--time-zone",
            "Nowhere");
    assertThat(zone.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(schedule("list").out()).contains("No schedules.");
  }
}
