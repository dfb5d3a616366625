package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityFilter;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestrationFilter;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.protocol.WorkItemFilters;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Work-item filters with two scheduler nodes sharing one PostgreSQL schema: each node claims only
 * what its workers' filters take, so an orchestration or activity started or scheduled on one node
 * runs on the worker of the other node that hosts it, and work no worker hosts waits, pending,
 * until one that hosts it connects to either node.
 */
@Timeout(120)
class FilteredClusterTest {
  private final List<TestScheduler> nodes = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<HandDrivenWorker> workers = new ArrayList<>();

  @AfterEach
  void stop() {
    workers.forEach(HandDrivenWorker::close);
    channels.forEach(ManagedChannel::shutdownNow);
    nodes.forEach(TestScheduler::close);
  }

  private TestScheduler node(String store, String name) {
    TestScheduler node =
        TestScheduler.builder().name(name).postgres(store).nodeLease(Duration.ofSeconds(3)).start();
    nodes.add(node);
    return node;
  }

  private RawSidecar sidecar(TestScheduler node) {
    ManagedChannel channel = node.channel();
    channels.add(channel);
    return new RawSidecar(channel);
  }

  private HandDrivenWorker worker(TestScheduler node, String orchestration, String activity) {
    ManagedChannel channel = node.channel();
    channels.add(channel);
    HandDrivenWorker worker =
        HandDrivenWorker.connect(
            channel,
            GetWorkItemsRequest.newBuilder()
                .setMaxConcurrentOrchestrationWorkItems(4)
                .setMaxConcurrentActivityWorkItems(4)
                .setWorkItemFilters(
                    WorkItemFilters.newBuilder()
                        .addOrchestrations(OrchestrationFilter.newBuilder().setName(orchestration))
                        .addActivities(ActivityFilter.newBuilder().setName(activity)))
                .build());
    workers.add(worker);
    return worker;
  }

  private static String start(RawSidecar sidecar, String id, String name) {
    return sidecar
        .call()
        .startInstance(CreateInstanceRequest.newBuilder().setInstanceId(id).setName(name).build())
        .getInstanceId();
  }

  private static void answer(RawSidecar sidecar, WorkItem episode, OrchestratorAction... actions) {
    sidecar
        .call()
        .completeOrchestratorTask(
            OrchestratorResponse.newBuilder()
                .setInstanceId(episode.getOrchestratorRequest().getInstanceId())
                .setCompletionToken(episode.getCompletionToken())
                .addAllActions(List.of(actions))
                .build());
  }

  private static OrchestratorAction schedule(String activity) {
    return OrchestratorAction.newBuilder()
        .setId(0)
        .setScheduleTask(ScheduleTaskAction.newBuilder().setName(activity))
        .build();
  }

  private static void complete(RawSidecar sidecar, WorkItem activity) {
    sidecar
        .call()
        .completeActivityTask(
            ActivityResponse.newBuilder()
                .setInstanceId(
                    activity.getActivityRequest().getOrchestrationInstance().getInstanceId())
                .setTaskId(activity.getActivityRequest().getTaskId())
                .setResult(StringValue.of("\"done\""))
                .setCompletionToken(activity.getCompletionToken())
                .build());
  }

  @Test
  void eachNodeClaimsOnlyWhatItsWorkersTakeAndUnhostedWorkWaitsForAHost() throws Exception {
    String store = TestPostgres.newSchema();
    TestScheduler a = node(store, "A");
    TestScheduler b = node(store, "B");
    RawSidecar viaA = sidecar(a);
    RawSidecar viaB = sidecar(b);
    HandDrivenWorker alphaOnA = worker(a, "alpha", "alpha-work");
    HandDrivenWorker betaOnB = worker(b, "beta", "beta-work");

    // Each orchestration is started on the node whose worker does not host it.
    start(viaB, "a1", "alpha");
    start(viaA, "b1", "beta");
    start(viaA, "g1", "gamma");

    WorkItem alphaEpisode = alphaOnA.next();
    WorkItem betaEpisode = betaOnB.next();
    assertThat(alphaEpisode.getOrchestratorRequest().getInstanceId()).isEqualTo("a1");
    assertThat(betaEpisode.getOrchestratorRequest().getInstanceId()).isEqualTo("b1");
    // Each schedules the activity the other node's worker hosts.
    answer(viaA, alphaEpisode, schedule("beta-work"));
    answer(viaB, betaEpisode, schedule("alpha-work"));
    WorkItem alphaWork = alphaOnA.next();
    WorkItem betaWork = betaOnB.next();
    assertThat(alphaWork.getActivityRequest().getOrchestrationInstance().getInstanceId())
        .isEqualTo("b1");
    assertThat(betaWork.getActivityRequest().getOrchestrationInstance().getInstanceId())
        .isEqualTo("a1");
    complete(viaA, alphaWork);
    complete(viaB, betaWork);

    WorkItem alphaFanIn = alphaOnA.next();
    WorkItem betaFanIn = betaOnB.next();
    assertThat(alphaFanIn.getOrchestratorRequest().getInstanceId()).isEqualTo("a1");
    assertThat(betaFanIn.getOrchestratorRequest().getInstanceId()).isEqualTo("b1");
    answer(viaA, alphaFanIn, RawSidecar.complete(1, "\"alpha\""));
    answer(viaB, betaFanIn, RawSidecar.complete(1, "\"beta\""));
    assertThat(viaB.waitForEnd("a1").getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    assertThat(viaA.waitForEnd("b1").getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);

    alphaOnA.receivesNothingWithin(Duration.ofSeconds(2));
    betaOnB.receivesNothingWithin(Duration.ofMillis(100));
    assertThat(viaB.status("g1")).isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);

    HandDrivenWorker gammaOnB = worker(b, "gamma", "gamma-work");
    WorkItem gammaEpisode = gammaOnB.next();
    assertThat(gammaEpisode.getOrchestratorRequest().getInstanceId()).isEqualTo("g1");
    answer(viaB, gammaEpisode, RawSidecar.complete(0, null));
    assertThat(viaA.waitForEnd("g1").getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
  }
}
