package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Task ids restart in every generation, so an activity still running when its orchestration
 * continues as new has the same (instance id, task id) as the new generation's first activity. The
 * Java SDK 1.5.0 completes activities by exactly that pair, without a token. The new generation's
 * activity must still be dispatched, and the old result must not stand in for it.
 */
class StaleGenerationResultTest {
  private final TestScheduler server = TestScheduler.builder().start();
  // Two worker processes: each has its own connection for its stream and its completions.
  private final ManagedChannel channelA = server.channel();
  private final ManagedChannel channelB = server.channel();

  @AfterEach
  void stop() {
    server.close();
  }

  private static TaskHubSidecarServiceBlockingStub sidecar(ManagedChannel channel) {
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Test
  void aResultFromBeforeContinueAsNewDoesNotCompleteTheNewGenerationsTask() throws Exception {
    String id =
        sidecar(channelA)
            .startInstance(CreateInstanceRequest.newBuilder().setName("by_hand").build())
            .getInstanceId();
    try (HandDrivenWorker a = HandDrivenWorker.connect(channelA)) {
      assertThat(a.next().getOrchestratorRequest().getInstanceId()).isEqualTo(id);
      answer(channelA, id, scheduleTask("old"));
      assertThat(a.next().getActivityRequest().getName()).isEqualTo("old");

      // A holds generation 1's task 0, so B gets everything else.
      try (HandDrivenWorker b = HandDrivenWorker.connect(channelB)) {
        sidecar(channelB)
            .raiseEvent(RaiseEventRequest.newBuilder().setInstanceId(id).setName("next").build());
        assertThat(b.next().getOrchestratorRequest().getNewEventsList())
            .anyMatch(HistoryEvent::hasEventRaised);
        answer(
            channelB,
            id,
            complete(OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW, "\"gen 2\""));
        assertThat(b.next().getOrchestratorRequest().getNewEventsList())
            .anyMatch(HistoryEvent::hasExecutionStarted);
        answer(channelB, id, scheduleTask("new"));

        // Generation 1's activity finishes now, for a generation that is gone; then A leaves.
        sidecar(channelA).completeActivityTask(result(id, "\"old result\""));
        a.disconnect();

        WorkItem newTask = b.next();
        assertThat(newTask.hasActivityRequest())
            .as("generation 2's task 0 is dispatched, instead of %s", newTask)
            .isTrue();
        assertThat(newTask.getActivityRequest().getName()).isEqualTo("new");
        assertThat(newTask.getActivityRequest().getTaskId()).isZero();
        sidecar(channelB).completeActivityTask(result(id, "\"new result\""));

        List<HistoryEvent> delivered = b.next().getOrchestratorRequest().getNewEventsList();
        assertThat(delivered)
            .filteredOn(HistoryEvent::hasTaskCompleted)
            .singleElement()
            .extracting(event -> event.getTaskCompleted().getResult().getValue())
            .isEqualTo("\"new result\"");
        answer(
            channelB, id, complete(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED, "\"done\""));
      }
    }
    OrchestrationState state =
        sidecar(channelA)
            .waitForInstanceCompletion(GetInstanceRequest.newBuilder().setInstanceId(id).build())
            .getOrchestrationState();
    assertThat(state.getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    assertThat(server.server().engine().history("default", id))
        .filteredOn(HistoryEvent::hasTaskCompleted)
        .singleElement()
        .extracting(event -> event.getTaskCompleted().getResult().getValue())
        .isEqualTo("\"new result\"");
  }

  private static void answer(ManagedChannel channel, String instanceId, OrchestratorAction action) {
    sidecar(channel)
        .completeOrchestratorTask(
            OrchestratorResponse.newBuilder().setInstanceId(instanceId).addActions(action).build());
  }

  /** Task 0: the first action of a generation. */
  private static OrchestratorAction scheduleTask(String name) {
    return OrchestratorAction.newBuilder()
        .setId(0)
        .setScheduleTask(ScheduleTaskAction.newBuilder().setName(name))
        .build();
  }

  private static OrchestratorAction complete(OrchestrationStatus status, String result) {
    return OrchestratorAction.newBuilder()
        .setId(1)
        .setCompleteOrchestration(
            CompleteOrchestrationAction.newBuilder()
                .setOrchestrationStatus(status)
                .setResult(StringValue.of(result)))
        .build();
  }

  private static ActivityResponse result(String instanceId, String value) {
    return ActivityResponse.newBuilder()
        .setInstanceId(instanceId)
        .setTaskId(0)
        .setResult(StringValue.of(value))
        .build();
  }
}
