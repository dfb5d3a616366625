package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.DurableTaskGrpcWorker;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.Task;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An activity can outlive its instance: the orchestrator moves on without it (here, {@code anyOf})
 * and completes. The late result must be acknowledged and ignored. The official Java SDK 1.5.0
 * treats any error from {@code CompleteActivityTask} as a broken stream: it drops the stream
 * without cancelling it and reconnects only after 5 s, so the worker would stall.
 */
class LateActivityCompletionTest {
  private static final String ORCHESTRATOR = "slow_against_fast";
  private static final String SLOW = "slow";
  private static final String FAST = "fast";

  private final TestScheduler server = TestScheduler.builder().start();
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final AtomicInteger slowRuns = new AtomicInteger();

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    server.close();
  }

  /** With input "race": slow against fast, first result wins. Otherwise: fast alone. */
  private static TaskOrchestrationFactory orchestrator() {
    return SeedActivities.orchestration(
        ORCHESTRATOR,
        ctx -> {
          if (ctx.getInput(String.class).equals("race")) {
            Task<String> slow = ctx.callActivity(SLOW, "s", String.class);
            Task<String> fast = ctx.callActivity(FAST, "f", String.class);
            ctx.complete(ctx.anyOf(slow, fast).await().await());
          } else {
            ctx.complete(ctx.callActivity(FAST, "f", String.class).await());
          }
        });
  }

  private TaskActivityFactory slow() {
    return SeedActivities.activity(
        SLOW,
        ctx -> {
          slowRuns.incrementAndGet();
          slowStarted.countDown();
          try {
            releaseSlow.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "slow";
        });
  }

  private static TaskActivityFactory fast() {
    return SeedActivities.activity(FAST, ctx -> "fast");
  }

  private DurableTaskGrpcWorker worker() {
    return OfficialSdk.startWorker(server, orchestrator(), slow(), fast());
  }

  @Test
  void anActivityFinishingAfterItsInstanceCompletedDoesNotStallItsWorker() throws Exception {
    worker();
    DurableTaskClient client = OfficialSdk.client(server);
    String raceId = client.scheduleNewOrchestrationInstance(ORCHESTRATOR, "race");
    // The only worker runs the first episode, then takes the slow activity (scheduled first).
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).as("slow started").isTrue();

    // A second worker runs the fast activity and the episode that completes the instance.
    DurableTaskGrpcWorker second = worker();
    OrchestrationMetadata race =
        client.waitForInstanceCompletion(raceId, Duration.ofSeconds(10), true);
    assertThat(race.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(race.readOutputAs(String.class)).isEqualTo("fast");
    second.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.server().engine().connectedWorkers() == 1);

    // The slow activity now reports to an instance that has finished. The first worker must go
    // straight on to the next work item on the same stream.
    releaseSlow.countDown();
    long releasedAt = System.nanoTime();
    String nextId = client.scheduleNewOrchestrationInstance(ORCHESTRATOR, "fast only");
    OrchestrationMetadata next =
        client.waitForInstanceCompletion(nextId, Duration.ofSeconds(20), true);
    Duration took = Duration.ofNanos(System.nanoTime() - releasedAt);

    assertThat(next.getRuntimeStatus()).isEqualTo(OrchestrationRuntimeStatus.COMPLETED);
    assertThat(took)
        .as("the next instance on the worker whose activity outlived its instance")
        .isLessThan(Duration.ofSeconds(4));
    assertThat(slowRuns).hasValue(1);
  }

  /**
   * The same over the raw protocol: the late result is acknowledged, and the worker's slot is free
   * for the next work item at once, not after the lease timeout.
   */
  @Test
  void aResultForAnInstanceThatHasFinishedIsAcknowledgedAndFreesTheWorkersSlot() throws Exception {
    ManagedChannel channel = server.channel();
    TaskHubSidecarServiceBlockingStub sidecar =
        TaskHubSidecarServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    try (HandDrivenWorker a = HandDrivenWorker.connect(channel)) {
      String id = sidecar.startInstance(byHand()).getInstanceId();
      assertThat(a.next().getOrchestratorRequest().getInstanceId()).isEqualTo(id);
      sidecar.completeOrchestratorTask(
          OrchestratorResponse.newBuilder()
              .setInstanceId(id)
              .addActions(
                  OrchestratorAction.newBuilder()
                      .setId(0)
                      .setScheduleTask(ScheduleTaskAction.newBuilder().setName(SLOW)))
              .build());
      assertThat(a.next().getActivityRequest().getTaskId()).isZero();

      // While A holds the activity, B completes the instance on the next event.
      try (HandDrivenWorker b = HandDrivenWorker.connect(channel)) {
        sidecar.raiseEvent(
            RaiseEventRequest.newBuilder().setInstanceId(id).setName("stop").build());
        assertThat(b.next().getOrchestratorRequest().getInstanceId()).isEqualTo(id);
        sidecar.completeOrchestratorTask(
            OrchestratorResponse.newBuilder()
                .setInstanceId(id)
                .addActions(
                    OrchestratorAction.newBuilder()
                        .setId(1)
                        .setCompleteOrchestration(
                            CompleteOrchestrationAction.newBuilder()
                                .setOrchestrationStatus(
                                    OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)))
                .build());
      }
      assertThat(
              sidecar
                  .waitForInstanceCompletion(
                      GetInstanceRequest.newBuilder().setInstanceId(id).build())
                  .getOrchestrationState()
                  .getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);

      // A's result arrives late, as the Java SDK 1.5.0 sends it (no completion token).
      sidecar.completeActivityTask(
          ActivityResponse.newBuilder()
              .setInstanceId(id)
              .setTaskId(0)
              .setResult(StringValue.of("\"late\""))
              .build());

      String nextId = sidecar.startInstance(byHand()).getInstanceId();
      assertThat(a.next(Duration.ofSeconds(3)).getOrchestratorRequest().getInstanceId())
          .isEqualTo(nextId);
      assertThat(server.server().engine().history("default", id))
          .noneMatch(HistoryEvent::hasTaskCompleted);
    }
  }

  private static CreateInstanceRequest byHand() {
    return CreateInstanceRequest.newBuilder().setName("by_hand").build();
  }
}
