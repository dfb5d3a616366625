package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.Task;
import dev.taskhub.protocol.RewindInstanceRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rewinding a failed instance with the official Java SDK 1.5.0 (which knows nothing of rewind): the
 * failed activity runs again, the ones that succeeded do not, and a failed sub-orchestration is
 * rewound with its parent.
 */
class RewindTest {
  private static TestScheduler server;
  private static DurableTaskClient client;
  private static ManagedChannel channel;
  private static TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub sidecar;
  private static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private static final Set<String> broken = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() {
    server = SuiteStore.start();
    OfficialSdk.startWorker(
        server,
        builder ->
            builder
                .addOrchestration(
                    SeedActivities.orchestration(
                        "fragile",
                        ctx -> {
                          String id = ctx.getInstanceId();
                          Task<String> steady = ctx.callActivity("steady", id, String.class);
                          Task<String> shaky = ctx.callActivity("shaky", id, String.class);
                          ctx.complete(steady.await() + " + " + shaky.await());
                        }))
                .addOrchestration(
                    SeedActivities.orchestration(
                        "fragile_parent",
                        ctx ->
                            ctx.complete(
                                "parent got "
                                    + ctx.callSubOrchestrator(
                                            "fragile",
                                            null,
                                            ctx.getInstanceId() + "-child",
                                            String.class)
                                        .await())))
                .addActivity(
                    SeedActivities.activity(
                        "steady",
                        ctx -> {
                          String id = ctx.getInput(String.class);
                          runs.computeIfAbsent("steady:" + id, k -> new AtomicInteger())
                              .incrementAndGet();
                          return "steady";
                        }))
                .addActivity(
                    SeedActivities.activity(
                        "shaky",
                        ctx -> {
                          String id = ctx.getInput(String.class);
                          runs.computeIfAbsent("shaky:" + id, k -> new AtomicInteger())
                              .incrementAndGet();
                          if (broken.contains(id)) {
                            throw new IllegalStateException("downstream is down");
                          }
                          return "shaky";
                        })));
    client = OfficialSdk.client(server);
    channel = server.channel();
    sidecar = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static OrchestrationMetadata finish(String id) throws Exception {
    return client.waitForInstanceCompletion(id, Duration.ofSeconds(30), true);
  }

  private static void rewind(String id) {
    sidecar.rewindInstance(RewindInstanceRequest.newBuilder().setInstanceId(id).build());
  }

  @Test
  void aRewoundInstanceRunsOnlyItsFailedActivityAgainAndCompletes() throws Exception {
    String id = "rewind-" + System.nanoTime();
    broken.add(id);
    client.scheduleNewOrchestrationInstance("fragile", null, id);
    assertThat(finish(id).getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);

    broken.remove(id);
    rewind(id);
    OrchestrationMetadata done = waitForStatus(id, OrchestrationRuntimeStatus.COMPLETED);

    assertThat(done.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("steady + shaky");
    assertThat(runs.get("steady:" + id).get()).isEqualTo(1);
    assertThat(runs.get("shaky:" + id).get()).isEqualTo(2);
  }

  @Test
  void rewindingAParentRewindsItsFailedChild() throws Exception {
    String parent = "rewind-parent-" + System.nanoTime();
    String child = parent + "-child";
    broken.add(child);
    client.scheduleNewOrchestrationInstance("fragile_parent", null, parent);
    assertThat(finish(parent).getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);
    assertThat(finish(child).getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.FAILED);

    broken.remove(child);
    rewind(parent);

    OrchestrationMetadata done = waitForStatus(parent, OrchestrationRuntimeStatus.COMPLETED);
    assertThat(done.readOutputAs(String.class)).isEqualTo("parent got steady + shaky");
    assertThat(client.getInstanceMetadata(child, false).getRuntimeStatus())
        .isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(runs.get("steady:" + child).get()).isEqualTo(1);
  }

  @Test
  void onlyFailedInstancesCanBeRewound() throws Exception {
    String id = client.scheduleNewOrchestrationInstance("fragile");
    assertThat(finish(id).getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);

    assertThatThrownBy(() -> rewind(id))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("only failed instances");
    assertThatThrownBy(() -> rewind("no-such-instance")).hasMessageContaining("NOT_FOUND");
  }

  /** The status right after a rewind is still FAILED until the server-side step commits. */
  private static OrchestrationMetadata waitForStatus(String id, OrchestrationRuntimeStatus status) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.getInstanceMetadata(id, false).getRuntimeStatus() == status);
    return client.getInstanceMetadata(id, true);
  }
}
