package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import dev.taskhub.server.e2e.FanOuts.FanOut;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduler nodes on one PostgreSQL server that goes away for 10 s (longer than the nodes' 3 s
 * lease) in the middle of a batch of fan-outs: the nodes stay up and say they are unhealthy while
 * it is away, and once it is back every orchestration completes with each result recorded once.
 */
@Timeout(150)
class PostgresOutageTest {
  private static final Duration OUTAGE = Duration.ofSeconds(10);

  @TempDir Path data;

  private final List<TestScheduler> nodes = new ArrayList<>();
  private TestPostgres.Restartable database;
  private ActivityRuns runs;
  private final List<FanOut> fanOuts = new ArrayList<>();

  @RegisterExtension
  final AfterTestExecutionCallback threadsOnFailure =
      context -> {
        if (context.getExecutionException().isPresent()) {
          OfficialSdk.printThreads(nodes);
        }
      };

  @AfterEach
  void stopAll() {
    if (runs != null) {
      runs.printReport(fanOuts);
    }
    nodes.forEach(TestScheduler::close);
    if (database != null) {
      database.close();
    }
  }

  @Test
  void aTenSecondDatabaseOutageMidRunLosesNothingAndDuplicatesNothing() throws Exception {
    database = TestPostgres.Restartable.start(data);
    String store = database.location();
    for (String name : List.of("A", "B")) {
      nodes.add(
          TestScheduler.builder()
              .name(name)
              .postgres(store)
              .childProcess()
              .http()
              .nodeLease(Duration.ofSeconds(3))
              .launch());
    }
    nodes.forEach(TestScheduler::awaitReady);
    // 100..300 ms per item, varied but the same on every run.
    runs = new ActivityRuns(item -> 100 + (long) SeedActivities.valueOf(item) * 7 % 201);
    nodes.forEach(node -> SeedActivities.startWorkers(node, 4, runs::activityFor));

    for (int i = 0; i < 50; i++) {
      fanOuts.add(new FanOut("fan-out-%02d".formatted(i), 3 * i + 1, 3));
    }
    List<DurableTaskClient> clients = nodes.stream().map(OfficialSdk::client).toList();
    FanOuts.schedule(fanOuts, clients);
    await().atMost(Duration.ofSeconds(20)).until(() -> runs.finished() >= 30);

    database.stop();
    Instant stoppedAt = Instant.now();
    assertThat(runs.finished()).as("work items finished when the database stopped").isLessThan(150);
    // /health asks the database, and gives up only after the pool's connection timeout: ask both
    // nodes at once, and keep the database away for OUTAGE and until both have answered.
    List<CompletableFuture<Duration>> unhealthy =
        nodes.stream()
            .map(node -> CompletableFuture.supplyAsync(() -> untilUnhealthy(node, stoppedAt)))
            .toList();
    Duration rest = OUTAGE.minus(Duration.between(stoppedAt, Instant.now()));
    if (rest.isPositive()) {
      await()
          .during(rest)
          .atMost(rest.plusSeconds(5))
          .until(() -> nodes.stream().allMatch(node -> node.isAlive()));
    }
    System.out.printf(
        "/health answered 503 after %s%n",
        unhealthy.stream().map(CompletableFuture::join).toList());
    database.restart();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> nodes.stream().allMatch(node -> health(node) == 200));

    Map<String, OrchestrationMetadata> done =
        FanOuts.awaitAll(fanOuts, clients, Instant.now().plusSeconds(45), store);

    FanOuts.assertAllCompletedExactlyOnce(fanOuts, done, store);
    for (TestScheduler node : nodes) {
      assertThat(node.isAlive()).as("%s runs", node).isTrue();
      assertThat(node.output().split(TestScheduler.READY_LINE, -1))
          .as("%s started once, was never restarted", node)
          .hasSize(2);
    }
  }

  /** Polls the node's /health until it answers 503; returns how long after {@code since}. */
  private static Duration untilUnhealthy(TestScheduler node, Instant since) {
    await()
        .atMost(Duration.ofSeconds(25))
        .alias("/health of " + node + " answers 503")
        .until(() -> health(node) == 503);
    return Duration.between(since, Instant.now());
  }

  private static int health(TestScheduler node) {
    try {
      return node.health();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
