package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.StartOptions;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.Versioning;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Worker versioning: each version of an orchestration runs on a worker of that version, whether the
 * scheduler routes by the workers' filters or a worker rejects what it does not run; a worker that
 * runs the current version or older fails newer instances when told to.
 */
class VersioningTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TestScheduler scheduler;
  private TaskhubClient client;

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private void startWorker(Versioning versioning, boolean filters) {
    String ranOn = "ran on " + versioning.version();
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .versioning(versioning)
            .workItemFilters(filters)
            .addOrchestration("Versioned", ctx -> ranOn));
  }

  private OrchestrationMetadata run(String version) {
    String id =
        client.scheduleNewOrchestration(
            "Versioned", null, StartOptions.defaults().withVersion(version));
    return client.waitForCompletion(id, WAIT);
  }

  @Test
  void strictWorkersWithFiltersEachRunTheirOwnVersion() {
    startWorker(Versioning.strict("1.0"), true);
    startWorker(Versioning.strict("2.0"), true);

    for (int i = 0; i < 3; i++) {
      assertThat(run("1.0").readOutputAs(String.class)).isEqualTo("ran on 1.0");
      assertThat(run("2.0").readOutputAs(String.class)).isEqualTo("ran on 2.0");
    }
  }

  @Test
  void aWorkerWithoutFiltersRejectsAnotherVersionAndTheWorkerOfThatVersionRunsIt() {
    startWorker(Versioning.strict("1.0"), false);
    startWorker(Versioning.strict("2.0"), false);

    for (int i = 0; i < 3; i++) {
      OrchestrationMetadata done = run("2.0");
      assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(done.readOutputAs(String.class)).isEqualTo("ran on 2.0");
      assertThat(run("1.0").readOutputAs(String.class)).isEqualTo("ran on 1.0");
    }
  }

  @Test
  void currentOrOlderRunsOlderVersionsAndFailsNewerOnesWhenToldTo() {
    startWorker(
        new Versioning("2.0", Versioning.Match.CURRENT_OR_OLDER, Versioning.OnMismatch.FAIL), true);

    assertThat(run("1.9").readOutputAs(String.class)).isEqualTo("ran on 2.0");
    assertThat(run("2.0").readOutputAs(String.class)).isEqualTo("ran on 2.0");
    OrchestrationMetadata newer = run("2.10");
    assertThat(newer.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(newer.failure().orElseThrow().errorType()).isEqualTo("VersionMismatch");
    assertThat(newer.failure().orElseThrow().message()).contains("'2.10'", "'2.0'");
  }
}
