package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.orchestration.Task;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One worker runs activities and orchestrations concurrently, up to its limits. */
class ConcurrencyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private TestScheduler scheduler;
  private TaskhubClient client;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @BeforeEach
  void start() {
    scheduler = TestScheduler.builder().start();
    client = Sdk.client(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  /** Simulated work: an activity that takes {@code millis} and records how many overlap. */
  private Object work(long millis) throws InterruptedException {
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      Thread.sleep(millis);
      return millis;
    } finally {
      running.decrementAndGet();
    }
  }

  private void registerFanOut(dev.taskhub.sdk.worker.TaskhubWorker.Builder worker) {
    worker
        .addOrchestration(
            "Parallel",
            ctx -> {
              List<Task<Long>> tasks =
                  IntStream.range(0, ctx.getInput(Integer.class))
                      .mapToObj(i -> ctx.callActivity("Work", null, Long.class))
                      .toList();
              return ctx.allOf(tasks).await().size();
            })
        .addActivity("Work", context -> work(500));
  }

  @Test
  void eightHalfSecondActivitiesOnOneWorkerRunInParallel() {
    var builder = Sdk.workerBuilder(scheduler);
    registerFanOut(builder);
    Sdk.startWorker(scheduler, builder);
    client.waitForCompletion(client.scheduleNewOrchestration("Parallel", 1), WAIT); // warm up

    long started = System.nanoTime();
    String id = client.scheduleNewOrchestration("Parallel", 8);
    var done = client.waitForCompletion(id, WAIT);
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(done.readOutputAs(Integer.class)).isEqualTo(8);
    assertThat(mostAtOnce.get()).isEqualTo(8);
    assertThat(millis).as("8 x 500 ms sequentially would take 4000 ms").isLessThan(2000);
  }

  @Test
  void activitiesNeverExceedTheConfiguredConcurrency() {
    var builder = Sdk.workerBuilder(scheduler).maxConcurrentActivities(3);
    registerFanOut(builder);
    Sdk.startWorker(scheduler, builder);

    var done = client.waitForCompletion(client.scheduleNewOrchestration("Parallel", 7), WAIT);

    assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(mostAtOnce.get()).isEqualTo(3);
  }

  @Test
  void episodesOfDifferentInstancesRunConcurrently() {
    // Each orchestrator blocks (without awaiting a task) until all four episodes are running.
    java.util.concurrent.CountDownLatch allRunning = new java.util.concurrent.CountDownLatch(4);
    Sdk.startWorker(
        scheduler,
        Sdk.workerBuilder(scheduler)
            .maxConcurrentOrchestrations(4)
            .addOrchestration(
                "Rendezvous",
                ctx -> {
                  if (!ctx.isReplaying()) {
                    allRunning.countDown();
                  }
                  return allRunning.await(20, java.util.concurrent.TimeUnit.SECONDS);
                }));

    List<String> ids =
        IntStream.range(0, 4).mapToObj(i -> client.scheduleNewOrchestration("Rendezvous")).toList();

    for (String id : ids) {
      assertThat(client.waitForCompletion(id, WAIT).readOutputAs(Boolean.class)).isTrue();
    }
  }
}
