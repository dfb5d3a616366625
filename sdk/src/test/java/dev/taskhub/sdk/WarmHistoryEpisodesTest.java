package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.ReplayStatistics;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Episodes that carry only the history a warm worker has not seen, end to end: the SDK replays them
 * correctly, and whenever the run is not where the scheduler thinks (restarted worker, evicted run,
 * another worker) the whole history is sent, asked for or not, and the outcome is the same.
 */
class WarmHistoryEpisodesTest {
  private static final int ROUNDS = 6;

  private TestScheduler scheduler;
  private TaskhubClient client;
  private final AtomicInteger activityRuns = new AtomicInteger();

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  /**
   * Each round waits for an event and doubles its value in an activity: history grows by the
   * worker's own records (TaskScheduled) and by delivered events.
   */
  private TaskhubWorker.Builder accumulator() {
    return Sdk.workerBuilder(scheduler)
        .addOrchestration(
            "Accumulate",
            ctx -> {
              int sum = 0;
              for (int round = 0; round < ROUNDS; round++) {
                int value = ctx.waitForExternalEvent("add", Integer.class).await();
                sum += ctx.callActivity("Double", value, Integer.class).await();
              }
              return sum;
            })
        .addActivity(
            "Double",
            Integer.class,
            value -> {
              activityRuns.incrementAndGet();
              return 2 * value;
            });
  }

  private void raiseRounds(List<String> ids, int from, int to) {
    for (int round = from; round < to; round++) {
      for (String id : ids) {
        client.raiseEvent(id, "add", round + 1);
      }
    }
  }

  private void assertAllSummed(List<String> ids) {
    for (String id : ids) {
      OrchestrationMetadata done = client.waitForCompletion(id, Duration.ofSeconds(30));
      assertThat(done.status()).as("%s", done.failure()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(done.readOutputAs(Integer.class)).isEqualTo(ROUNDS * (ROUNDS + 1)); // 2·(1+…+6)
    }
  }

  private List<String> start(int instances) {
    return IntStream.range(0, instances)
        .mapToObj(i -> client.scheduleNewOrchestration("Accumulate"))
        .toList();
  }

  @Test
  void aWarmRunIsSentOnlyWhatItHasNotSeenAndNeverReplaysItsHistory() {
    TaskhubWorker worker = Sdk.startWorker(scheduler, accumulator());
    List<String> ids = start(1);
    raiseRounds(ids, 0, ROUNDS);

    assertAllSummed(ids);
    ReplayStatistics stats = worker.replayStatistics();
    assertThat(stats.coldReplays()).isEqualTo(1);
    assertThat(stats.trimmedEpisodes()).isEqualTo(stats.episodes() - 1);
    assertThat(stats.historyRequests()).isZero();
    // What is applied as past is only the scheduler's records of the run's own actions.
    assertThat(stats.replayedEvents()).isEqualTo(ROUNDS);
  }

  @Test
  void runsEvictedFromTheCacheAskForTheHistoryAndEndTheSame() {
    TaskhubWorker worker = Sdk.startWorker(scheduler, accumulator().orchestrationCacheSize(1));
    List<String> ids = start(3);
    raiseRounds(ids, 0, ROUNDS);

    assertAllSummed(ids);
    ReplayStatistics stats = worker.replayStatistics();
    assertThat(stats.historyRequests()).isPositive();
    assertThat(activityRuns).hasValue(3 * ROUNDS);
  }

  @Test
  void aRestartedWorkerIsSentTheWholeHistory() {
    TaskhubWorker first = accumulator().build().start();
    List<String> ids = start(2);
    raiseRounds(ids, 0, 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> activityRuns.get() == 2 * 3);
    first.stop(Duration.ofSeconds(5));

    TaskhubWorker second = Sdk.startWorker(scheduler, accumulator());
    raiseRounds(ids, 3, ROUNDS);

    assertAllSummed(ids);
    ReplayStatistics stats = second.replayStatistics();
    assertThat(stats.coldReplays()).isEqualTo(2);
    assertThat(stats.historyRequests()).isZero();
    assertThat(stats.trimmedEpisodes()).isPositive();
  }

  @Test
  void episodesThatMoveBetweenWorkersCarryTheWholeHistory() {
    TaskhubWorker one = Sdk.startWorker(scheduler, accumulator());
    TaskhubWorker two = Sdk.startWorker(scheduler, accumulator());
    List<String> ids = start(4);
    raiseRounds(ids, 0, ROUNDS);

    assertAllSummed(ids);
    ReplayStatistics first = one.replayStatistics();
    ReplayStatistics second = two.replayStatistics();
    assertThat(first.episodes()).isPositive();
    assertThat(second.episodes()).isPositive();
    // The scheduler knows which stream saw what: it never sends a trimmed history elsewhere.
    assertThat(first.historyRequests() + second.historyRequests()).isZero();
    assertThat(activityRuns).hasValue(4 * ROUNDS);
  }
}
