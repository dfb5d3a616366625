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
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two scheduler nodes, separate processes, sharing one PostgreSQL schema, each with official SDK
 * 1.5.0 workers of its own; clients start orchestrations on both nodes in turn and wait for them
 * through the other node. The work spreads over both nodes, every result is recorded once, and when
 * one node is SIGKILLed the other takes its work over once the dead node's lease lapses.
 */
@Timeout(150)
class TwoNodeClusterTest {
  /** Short, so that a killed node's claims lapse quickly. */
  private static final Duration NODE_LEASE = Duration.ofSeconds(3);

  private static final int WORKERS_PER_NODE = 4;

  private final List<TestScheduler> nodes = new ArrayList<>();
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
  void stopNodes() {
    if (runs != null) {
      runs.printReport(fanOuts);
    }
    nodes.forEach(TestScheduler::close);
  }

  private List<TestScheduler> startNodes(String store, String... names) {
    for (String name : names) {
      nodes.add(
          TestScheduler.builder()
              .name(name)
              .postgres(store)
              .childProcess()
              .nodeLease(NODE_LEASE)
              .launch());
    }
    nodes.forEach(TestScheduler::awaitReady);
    return List.copyOf(nodes);
  }

  @Test
  void fanOutsStartedOnBothNodesCompleteOnceEachWithWorkSpreadOverBoth() throws Exception {
    Instant deadline = Instant.now().plusSeconds(110);
    String store = TestPostgres.newSchema();
    List<TestScheduler> cluster = startNodes(store, "A", "B");
    // A few milliseconds of work per item, as an activity doing I/O would take.
    runs = new ActivityRuns(item -> 5);
    cluster.forEach(node -> SeedActivities.startWorkers(node, WORKERS_PER_NODE, runs::activityFor));

    fanOuts.add(new FanOut("big", 10_001, 1_000));
    for (int i = 0; i < 200; i++) {
      fanOuts.add(new FanOut("small-%03d".formatted(i), 3 * i + 1, 3));
    }
    List<DurableTaskClient> clients = cluster.stream().map(OfficialSdk::client).toList();
    FanOuts.schedule(fanOuts, clients);

    Map<String, OrchestrationMetadata> done = FanOuts.awaitAll(fanOuts, clients, deadline, store);

    FanOuts.assertAllCompletedExactlyOnce(fanOuts, done, store);
    int items = fanOuts.stream().mapToInt(fanOut -> fanOut.items().size()).sum();
    assertThat(runs.perItem()).as("items run").hasSize(items);
    for (TestScheduler node : cluster) {
      assertThat(runs.startedOn(node))
          .as(
              "work items run by %s's workers, of %d (per worker: %s)",
              node, items, runs.perWorker())
          .isGreaterThanOrEqualTo(items / 10);
    }
  }

  @Test
  void whenANodeIsKilledMidRunTheOtherFinishesItsWorkAndEachResultIsRecordedOnce()
      throws Exception {
    String store = TestPostgres.newSchema();
    List<TestScheduler> cluster = startNodes(store, "A", "B");
    TestScheduler doomed = cluster.get(0);
    TestScheduler survivor = cluster.get(1);
    // 50..200 ms per item, varied but the same on every run.
    runs = new ActivityRuns(item -> 50 + (long) SeedActivities.valueOf(item) * 7 % 151);
    cluster.forEach(node -> SeedActivities.startWorkers(node, WORKERS_PER_NODE, runs::activityFor));

    fanOuts.add(new FanOut("big", 10_001, 500));
    for (int i = 0; i < 100; i++) {
      fanOuts.add(new FanOut("small-%03d".formatted(i), 3 * i + 1, 3));
    }
    int items = fanOuts.stream().mapToInt(fanOut -> fanOut.items().size()).sum();
    FanOuts.schedule(fanOuts, cluster.stream().map(OfficialSdk::client).toList());

    await().atMost(Duration.ofSeconds(30)).until(() -> runs.finished() >= 150);
    doomed.kill();
    Instant killedAt = Instant.now();
    int survivorRunsAtKill = runs.startedOn(survivor);
    assertThat(runs.finished()).as("work items finished at the kill").isLessThan(items / 2);

    Map<String, OrchestrationMetadata> done =
        FanOuts.awaitAll(
            fanOuts, List.of(OfficialSdk.client(survivor)), killedAt.plusSeconds(60), store);
    System.out.printf("Finished %s after the kill%n", Duration.between(killedAt, Instant.now()));

    FanOuts.assertAllCompletedExactlyOnce(fanOuts, done, store);
    assertThat(runs.perItem()).as("items run").hasSize(items);
    assertThat(runs.startedOn(survivor))
        .as("work items the survivor's workers ran after the kill")
        .isGreaterThan(survivorRunsAtKill);
    assertThat(survivor.isAlive()).as("the surviving node runs").isTrue();
  }

  /**
   * Both nodes apply the schema to an empty database at the same moment: exactly one of them
   * migrates it, and both start cleanly. (ConcurrentMigrationTest proves the same with stores in
   * one JVM; this proves it with real {@code serve} processes.)
   */
  @RepeatedTest(2)
  void twoNodesStartingTogetherOnAnEmptySchemaShareOneSchemaWithoutErrors() throws Exception {
    String store = TestPostgres.newSchema();

    List<TestScheduler> cluster = startNodes(store, "A", "B");

    assertThat(TestPostgres.query(store, "SELECT version FROM schema_version"))
        .containsExactly(Integer.toString(latestPostgresMigration()));
    for (TestScheduler node : cluster) {
      assertThat(node.output())
          .as("log of %s", node)
          .doesNotContain(" ERROR ")
          .doesNotContain("Exception");
    }
  }

  /** The version of the newest migration file for PostgreSQL on the class path. */
  private static int latestPostgresMigration() throws IOException, URISyntaxException {
    Pattern version = Pattern.compile("V(\\d+)__.*\\.sql");
    Path migrations = Path.of(TwoNodeClusterTest.class.getResource("/db/postgres").toURI());
    try (Stream<Path> files = Files.list(migrations)) {
      return files
          .map(file -> version.matcher(file.getFileName().toString()))
          .filter(Matcher::matches)
          .mapToInt(match -> Integer.parseInt(match.group(1)))
          .max()
          .orElseThrow();
    }
  }
}
