package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.sdk.worker.Activity;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping a worker in the middle of a fan-out: it finishes (or gives back) what it started, takes
 * nothing new, and a second worker completes the orchestration with every result exactly once.
 */
class GracefulStopTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> ITEMS = List.of("a", "b", "c", "d", "e", "f");

  private TestScheduler scheduler;
  private TaskhubClient client;
  private final Queue<String> ranOnFirst = new ConcurrentLinkedQueue<>();
  private final Queue<String> ranOnSecond = new ConcurrentLinkedQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
  }

  @AfterEach
  void stop() {
    release.countDown();
    scheduler.close();
  }

  private TaskhubWorker.Builder worker(Activity step) {
    return Sdk.workerBuilder(scheduler)
        .addOrchestration(
            "FanOut",
            ctx -> {
              List<Task<String>> steps =
                  List.of(ctx.getInput(String[].class)).stream()
                      .map(item -> ctx.callActivity("Step", item, String.class))
                      .toList();
              return ctx.allOf(steps).await();
            })
        .addActivity("Step", step);
  }

  /** The first worker: two activities at a time, each blocked until the test releases it. */
  private TaskhubWorker firstWorker() {
    return worker(
            context -> {
              String item = context.getInput(String.class);
              ranOnFirst.add(item);
              release.await();
              return item.toUpperCase();
            })
        .maxConcurrentActivities(2)
        .build()
        .start();
  }

  private void startSecondWorker() {
    Sdk.startWorker(
        scheduler,
        worker(
            context -> {
              String item = context.getInput(String.class);
              ranOnSecond.add(item);
              return item.toUpperCase();
            }));
  }

  @Test
  void startedActivitiesFinishAndASecondWorkerCompletesTheFanOut() {
    TaskhubWorker first = firstWorker();
    String id = client.scheduleNewOrchestration("FanOut", ITEMS);
    await().atMost(WAIT).until(() -> ranOnFirst.size() == 2);

    CompletableFuture<Boolean> stopped =
        CompletableFuture.supplyAsync(() -> first.stop(Duration.ofSeconds(20)));
    await().atMost(WAIT).until(first::isStopping);
    release.countDown();

    assertThat(stopped.join()).as("both started activities finished in time").isTrue();
    assertThat(first.activitiesCompleted()).isEqualTo(2);
    assertThat(ranOnFirst).hasSize(2);

    startSecondWorker();
    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(String[].class)).containsExactly("A", "B", "C", "D", "E", "F");
    assertThat(ranOnSecond).doesNotContainAnyElementsOf(ranOnFirst).hasSize(4);
  }

  @Test
  void activitiesThatOutliveTheStopTimeoutAreGivenBackToAnotherWorker() {
    TaskhubWorker first = firstWorker();
    String id = client.scheduleNewOrchestration("FanOut", ITEMS);
    await().atMost(WAIT).until(() -> ranOnFirst.size() == 2);

    assertThat(first.stop(Duration.ofMillis(200)))
        .as("the blocked activities did not finish")
        .isFalse();
    assertThat(first.activitiesCompleted()).isZero();

    startSecondWorker();
    OrchestrationMetadata done = client.waitForCompletion(id, WAIT);
    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(String[].class)).containsExactly("A", "B", "C", "D", "E", "F");
    assertThat(ranOnSecond).containsExactlyInAnyOrderElementsOf(ITEMS);
  }
}
