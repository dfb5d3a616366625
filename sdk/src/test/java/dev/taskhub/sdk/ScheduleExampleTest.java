package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskhub.sdk.client.OverlapPolicy;
import dev.taskhub.sdk.client.Schedule;
import dev.taskhub.sdk.client.ScheduleSpec;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.client.TaskhubSchedules;
import dev.taskhub.sdk.orchestration.Orchestration;
import dev.taskhub.server.testing.TestScheduler;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedules example in the README ("Schedules"): a nightly cron schedule and one every second,
 * made, changed and removed with {@link TaskhubSchedules} over the scheduler's HTTP API, whose runs
 * a worker completes. {@link ReadmeExampleTest} checks that the README shows this very code.
 */
class ScheduleExampleTest {
  static final Orchestration REPORT = ctx -> "report for " + ctx.getInput(Map.class).get("region");

  private TestScheduler scheduler;

  @BeforeEach
  void startScheduler() {
    scheduler = TestScheduler.builder().http().start();
  }

  @AfterEach
  void stopScheduler() {
    scheduler.close();
  }

  @Test
  void schedulesAreMadeChangedTriggeredAndDeletedAndTheirRunsComplete() {
    ConnectionSettings settings = Sdk.connection(scheduler);
    Sdk.startWorker(scheduler, Sdk.workerBuilder(scheduler).addOrchestration("Report", REPORT));
    URI httpApi = URI.create("http://localhost:8082");
    httpApi = URI.create("http://localhost:" + scheduler.httpPort()); // the test's own port

    TaskhubClient client = Sdk.client(scheduler);

    try (TaskhubSchedules schedules = TaskhubSchedules.connect(settings, httpApi, null)) {
      schedules.create(
          ScheduleSpec.cron("nightly-report", "Report", "0 2 * * *")
              .withTimeZone(ZoneId.of("Europe/Berlin"))
              .withInput(Map.of("region", "eu"))
              .withOverlap(OverlapPolicy.SKIP));
      schedules.create(
          ScheduleSpec.every("heartbeat", "Report", Duration.ofSeconds(1))
              .withInput(Map.of("region", "us"))
              .withOverlap(OverlapPolicy.ALLOW_ALL));

      String now = schedules.trigger("nightly-report"); // a run now, id nightly-report-<now>
      String output =
          client.waitForCompletion(now, Duration.ofSeconds(30)).readOutputAs(String.class);
      schedules.pause("heartbeat");
      Schedule heartbeat = schedules.get("heartbeat").orElseThrow();

      assertThat(output).isEqualTo("report for eu");
      assertThat(heartbeat.status()).isEqualTo("paused");
      assertThat(schedules.list())
          .extracting(s -> s.spec().id())
          .containsExactly("heartbeat", "nightly-report");
      Schedule nightly = schedules.get("nightly-report").orElseThrow();
      assertThat(nightly.runs()).isEqualTo(1);
      assertThat(nightly.lastInstanceId()).isEqualTo(now);
      assertThat(nightly.nextRunAt().atZone(ZoneId.of("Europe/Berlin")).getHour()).isEqualTo(2);
      assertThat(nightly.spec().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));

      Schedule resumed = schedules.resume("heartbeat");
      assertThat(resumed.status()).isEqualTo("active");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> schedules.get("heartbeat").orElseThrow().runs() >= 2);
      String last = schedules.get("heartbeat").orElseThrow().lastInstanceId();
      assertThat(last).matches("heartbeat-\\d{8}T\\d{6}Z");
      assertThat(client.waitForCompletion(last, Duration.ofSeconds(30)).readOutputAs(String.class))
          .isEqualTo("report for us");

      Schedule updated =
          schedules.update(
              ScheduleSpec.every("heartbeat", "Report", Duration.ofMinutes(5))
                  .withInput(Map.of("region", "ap")));
      assertThat(updated.spec().interval()).isEqualTo(Duration.ofMinutes(5));
      schedules.delete("heartbeat");
      assertThat(schedules.get("heartbeat")).isEmpty();
      assertThatThrownBy(() -> schedules.delete("heartbeat"))
          .isInstanceOf(TaskhubException.ScheduleNotFound.class)
          .hasMessageContaining("heartbeat");
      assertThatThrownBy(() -> schedules.create(ScheduleSpec.cron("bad", "Report", "every night")))
          .isInstanceOf(TaskhubException.InvalidRequest.class)
          .hasMessageContaining("five fields");
      assertThatThrownBy(
              () -> schedules.create(ScheduleSpec.cron("nightly-report", "Report", "0 3 * * *")))
          .isInstanceOf(TaskhubException.ScheduleAlreadyExists.class);
    }
  }
}
