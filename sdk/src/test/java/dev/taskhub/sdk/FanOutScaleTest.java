package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.ReplayStatistics;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fan-out of N = 10,000 no-op activities and a fan-in, measured: wall time, episodes, history
 * events replayed and the worker's time executing episodes (logged; see the test output). With warm
 * runs the worker's replay work is linear in N; replaying every episode from history costs N per
 * episode, shown for comparison. {@code -Dfanout.n=...} changes N.
 */
class FanOutScaleTest {
  private static final Logger log = LoggerFactory.getLogger(FanOutScaleTest.class);
  private static final int N = Integer.getInteger("fanout.n", 10_000);

  private static TestScheduler scheduler;
  private static TaskhubClient client;

  @BeforeAll
  static void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
    run(fanOutWorker(), Math.min(N, 500), "JIT warm-up");
  }

  @AfterAll
  static void stop() {
    scheduler.close();
  }

  private static TaskhubWorker.Builder fanOutWorker() {
    return Sdk.workerBuilder(scheduler)
        .addOrchestration(
            "FanOut",
            ctx -> {
              int n = ctx.getInput(Integer.class);
              List<Task<Integer>> tasks =
                  IntStream.range(0, n)
                      .mapToObj(i -> ctx.callActivity("Noop", i, Integer.class))
                      .toList();
              List<Integer> results = ctx.allOf(tasks).await();
              return ctx.callActivity("Sum", results, Long.class).await();
            })
        .addActivity("Noop", Integer.class, i -> i)
        .addActivity(
            "Sum", Integer[].class, values -> List.of(values).stream().mapToLong(v -> v).sum());
  }

  @Test
  void tenThousandActivitiesFanInWithReplayWorkLinearInN() {
    ReplayStatistics stats = run(fanOutWorker(), N, "warm runs (default)");

    // Only the scheduler's records of the worker's own actions are replayed: N TaskScheduled + 1.
    assertThat(stats.replayedEvents()).isEqualTo(N + 1L);
    assertThat(stats.coldReplays()).isEqualTo(1);
  }

  @Test
  void tenThousandActivitiesWithEveryEpisodeReplayedFromHistory() {
    ReplayStatistics stats = run(fanOutWorker().orchestrationCacheSize(0), N, "cold replay");

    assertThat(stats.coldReplays()).isEqualTo(stats.episodes());
    assertThat(stats.replayedEvents()).isGreaterThan(2L * N);
  }

  private static ReplayStatistics run(TaskhubWorker.Builder builder, int n, String mode) {
    TaskhubWorker worker = builder.build().start();
    long started = System.nanoTime();
    String id = client.scheduleNewOrchestration("FanOut", n);
    OrchestrationMetadata done = client.waitForCompletion(id, Duration.ofSeconds(50));
    long millis = (System.nanoTime() - started) / 1_000_000;
    worker.stop(Duration.ofSeconds(5));

    assertThat(done.status()).as("%s", done.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(Long.class)).isEqualTo((long) n * (n - 1) / 2);
    ReplayStatistics stats = worker.replayStatistics();
    log.info(
        "Fan-out N={} ({}): {} ms wall, {} activities/s; {} episodes ({} cold, {} warm);"
            + " {} events replayed, {} new; worker executing episodes {} ms",
        n,
        mode,
        millis,
        n * 1000L / Math.max(1, millis),
        stats.episodes(),
        stats.coldReplays(),
        stats.warmResumes(),
        stats.replayedEvents(),
        stats.newEvents(),
        stats.executionMicros() / 1000);
    return stats;
  }
}
