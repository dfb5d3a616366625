package dev.taskhub.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.cluster.postgres.PostgresCluster;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.Engine;
import dev.taskhub.server.engine.RecordingSink;
import dev.taskhub.server.engine.SettableTimers;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.store.postgres.PostgresLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node leases on a real PostgreSQL database, on settable clocks: a node that stops heartbeating
 * keeps its claims for exactly its lease, then a live node's scan takes its work over. No real time
 * passes for the lease to lapse.
 */
class NodeLeaseTest {
  private static final String HUB = "default";
  private static final Duration LEASE = Duration.ofSeconds(10);

  private final List<AutoCloseable> opened = new ArrayList<>();

  private record Node(Engine engine, SettableTimers timers) {}

  private Node node(String location, SettableTimers timers) {
    PostgresCluster.Shared shared = PostgresCluster.open(PostgresLocation.parse(location));
    ClusterNode membership =
        new ClusterNode(shared.claims(), shared.bus(), timers, LEASE.toMillis());
    ServerConfig config = ServerConfig.forTests().withStore(location).withNodeLease(LEASE);
    Engine engine = new Engine(config, shared.store(), timers, membership);
    opened.add(shared.store());
    opened.add(timers);
    opened.add(engine);
    engine.start();
    return new Node(engine, timers);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private static RecordingSink connect(Engine engine) {
    RecordingSink sink = new RecordingSink();
    engine.connect(
        HUB,
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(1)
            .setMaxConcurrentActivityWorkItems(1)
            .build(),
        sink,
        "test");
    return sink;
  }

  private static WorkItem awaitFirst(java.util.function.Supplier<List<WorkItem>> items) {
    await().atMost(Duration.ofSeconds(20)).until(() -> !items.get().isEmpty());
    return items.get().get(0);
  }

  @Test
  void aSilentNodesWorkPassesToALiveNodeOnceItsLeaseHasLapsed() {
    String location = TestPostgres.newSchema();
    Node silent = node(location, SettableTimers.startingAt2026());
    RecordingSink silentWorker = connect(silent.engine());
    silent
        .engine()
        .startInstance(
            HUB, CreateInstanceRequest.newBuilder().setInstanceId("i1").setName("work").build());
    WorkItem episode = awaitFirst(silentWorker::orchestrations);
    silent
        .engine()
        .completeOrchestration(
            HUB,
            OrchestratorResponse.newBuilder()
                .setInstanceId("i1")
                .setCompletionToken(episode.getCompletionToken())
                .addActions(
                    OrchestratorAction.newBuilder()
                        .setId(0)
                        .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work")))
                .build());
    WorkItem claimedBySilent = awaitFirst(silentWorker::activities);

    // The silent node's clock stands still from here: it never heartbeats again. The live node's
    // clock moves a second at a time; its scans run off the timer thread, so each step waits a
    // moment for the scan it triggered before moving on.
    Node live = node(location, SettableTimers.startingAt2026());
    RecordingSink liveWorker = connect(live.engine());
    long start = live.timers().millis();
    long[] seenAt = new long[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (liveWorker.activities().isEmpty()) {
                live.timers().advance(Duration.ofSeconds(1));
                return false;
              }
              seenAt[0] = live.timers().millis() - start;
              return true;
            });

    assertThat(seenAt[0]).isGreaterThanOrEqualTo(LEASE.toMillis());
    WorkItem takenOver = liveWorker.activities().get(0);
    assertThat(takenOver.getActivityRequest().getTaskId())
        .isEqualTo(claimedBySilent.getActivityRequest().getTaskId());
    assertThat(takenOver.getCompletionToken()).isNotEqualTo(claimedBySilent.getCompletionToken());
  }
}
