package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.TaskActivity;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.server.store.InstanceKey;
import dev.taskhub.server.store.Store;
import dev.taskhub.server.store.sqlite.SqliteStore;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: the scheduler process is SIGKILLed in the middle of a fan-out and started again on
 * the same SQLite file and port; the official SDK 1.5.0 worker reconnects by itself (it retries
 * every 5 s) and the orchestration finishes with the exact aggregate. Activities are at-least-once
 * (one cut off by the kill runs again), but history records each result exactly once.
 */
class KillAndRestartTest {
  private static final int ITEMS = 200;
  private static final int KILL_AFTER = 60;

  @TempDir Path dir;

  private TestScheduler scheduler;
  private DurableTaskGrpcWorker worker;

  private final Map<String, AtomicInteger> runsPerItem = new ConcurrentHashMap<>();
  private final AtomicInteger finishedRuns = new AtomicInteger();
  private final CountDownLatch killPoint = new CountDownLatch(1);

  @AfterEach
  void cleanUp() {
    if (worker != null) {
      worker.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
  }

  /** The seed's work-item activity, slowed so that the kill lands mid-way, counting its runs. */
  private TaskActivity slowCountedProcess() {
    TaskActivity seed = SeedActivities.process().create();
    return ctx -> {
      runsPerItem
          .computeIfAbsent(ctx.getInput(String.class), item -> new AtomicInteger())
          .incrementAndGet();
      simulateWork();
      Object result = seed.run(ctx);
      if (finishedRuns.incrementAndGet() == KILL_AFTER) {
        killPoint.countDown();
      }
      return result;
    };
  }

  private static void simulateWork() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSigkilledSchedulerResumesTheFanOutFromItsFileAndRecordsEachResultOnce() throws Exception {
    Path store = dir.resolve("taskhub.db");
    scheduler = TestScheduler.builder().sqliteFile(store).childProcess().start();
    int port = scheduler.grpcPort();
    worker =
        OfficialSdk.workerBuilder(port)
            .addOrchestration(SeedActivities.orchestrator())
            .addActivity(SeedActivities.activity(SeedActivities.PROCESS, slowCountedProcess()))
            .addActivity(SeedActivities.aggregate())
            .build();
    worker.start();
    List<String> items = IntStream.rangeClosed(1, ITEMS).mapToObj(i -> "Task" + i).toList();
    String id;
    try (DurableTaskClient client = OfficialSdk.client(port)) {
      id = client.scheduleNewOrchestrationInstance(SeedActivities.ORCHESTRATOR, items);
    }

    assertThat(killPoint.await(60, TimeUnit.SECONDS))
        .as("%d activities ran before the kill", KILL_AFTER)
        .isTrue();
    scheduler.kill();
    int finishedBeforeKill = finishedRuns.get();
    assertThat(finishedBeforeKill).as("activities finished before the kill").isLessThan(ITEMS);

    scheduler.restart();
    OrchestrationMetadata done;
    // A fresh client: the old one's channel may still be backing off from the dead server.
    try (DurableTaskClient client = OfficialSdk.client(port)) {
      done = client.waitForInstanceCompletion(id, Duration.ofSeconds(60), true);
    }

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    Map<?, ?> summary = done.readOutputAs(Map.class);
    assertThat(summary.get("total_items_processed")).isEqualTo(ITEMS);
    assertThat(summary.get("total_value"))
        .isEqualTo(items.stream().mapToInt(SeedActivities::valueOf).sum());
    assertThat(summary.get("processed_items"))
        .isEqualTo(items.stream().map(item -> "Processed_" + item).toList());
    assertThat(runsPerItem.keySet()).containsExactlyInAnyOrderElementsOf(items);
    // The worker holds one item at a time, so at most the one the kill cut off runs twice: a
    // result the scheduler acknowledged before it died was not lost.
    assertThat(runsPerItem.values().stream().filter(runs -> runs.get() > 1).count())
        .as("items run more than once")
        .isLessThanOrEqualTo(1);

    worker.close();
    scheduler.stop();
    List<HistoryEvent> history;
    try (Store reopened = SqliteStore.open(store)) {
      history = reopened.loadHistory(new InstanceKey("default", id));
    }
    // Tasks 0..199 process the items, task 200 aggregates them.
    Map<Integer, Long> scheduled =
        count(history, HistoryEvent::hasTaskScheduled, HistoryEvent::getEventId);
    Map<Integer, Long> completed =
        count(
            history,
            HistoryEvent::hasTaskCompleted,
            event -> event.getTaskCompleted().getTaskScheduledId());
    Map<Integer, Long> exactlyOnceEach =
        IntStream.rangeClosed(0, ITEMS).boxed().collect(Collectors.toMap(i -> i, i -> 1L));
    assertThat(scheduled).isEqualTo(exactlyOnceEach);
    assertThat(completed).isEqualTo(exactlyOnceEach);
    assertThat(history).noneMatch(HistoryEvent::hasTaskFailed);
    assertThat(history.stream().filter(HistoryEvent::hasExecutionCompleted).toList())
        .singleElement()
        .extracting(event -> event.getExecutionCompleted().getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
  }

  private static Map<Integer, Long> count(
      List<HistoryEvent> history,
      Predicate<HistoryEvent> kind,
      Function<HistoryEvent, Integer> taskId) {
    return history.stream()
        .filter(kind)
        .collect(Collectors.groupingBy(taskId, Collectors.counting()));
  }
}
