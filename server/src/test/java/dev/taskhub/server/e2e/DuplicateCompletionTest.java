package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityRequest;
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
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workers may complete an activity more than once (a retried RPC, a redelivered item). Every
 * completion is acknowledged, but the orchestration sees, and history keeps, one result.
 */
class DuplicateCompletionTest {
  private TestScheduler server;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().start();
    channel = server.channel();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private TaskHubSidecarServiceBlockingStub sidecar() {
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /**
   * @param echoTokens false answers like the Java SDK 1.5.0 (no completion tokens, correlation by
   *     instance and task id); true echoes each work item's token like newer SDKs
   */
  @ParameterizedTest(name = "echoing completion tokens: {0}")
  @ValueSource(booleans = {false, true})
  void completingTheSameActivityTwiceAppendsOneResult(boolean echoTokens) throws Exception {
    try (HandDrivenWorker worker = HandDrivenWorker.connect(channel)) {
      String id =
          sidecar()
              .startInstance(
                  CreateInstanceRequest.newBuilder()
                      .setName("by_hand")
                      .setInput(StringValue.of("\"x\""))
                      .build())
              .getInstanceId();

      WorkItem firstEpisode = worker.next();
      assertThat(firstEpisode.getOrchestratorRequest().getInstanceId()).isEqualTo(id);
      answer(
          firstEpisode,
          echoTokens,
          OrchestratorAction.newBuilder()
              .setId(0)
              .setScheduleTask(
                  ScheduleTaskAction.newBuilder().setName("echo").setInput(StringValue.of("\"x\"")))
              .build());

      WorkItem activity = worker.next();
      ActivityRequest request = activity.getActivityRequest();
      assertThat(request.getName()).isEqualTo("echo");
      assertThat(request.getTaskId()).isZero();
      assertThat(request.getOrchestrationInstance().getInstanceId()).isEqualTo(id);
      ActivityResponse.Builder result =
          ActivityResponse.newBuilder()
              .setInstanceId(id)
              .setTaskId(0)
              .setResult(StringValue.of("\"echoed\""));
      if (echoTokens) {
        result.setCompletionToken(activity.getCompletionToken());
      }
      // Both calls must succeed: a worker retrying its completion is not an error.
      sidecar().completeActivityTask(result.build());
      sidecar().completeActivityTask(result.build());

      WorkItem afterCompletion = worker.next();
      assertThat(taskCompletions(afterCompletion.getOrchestratorRequest().getNewEventsList()))
          .hasSize(1);

      // The orchestrator keeps waiting. An event raised now queues behind any duplicate result, so
      // the episodes up to the one delivering it show whether a second TaskCompleted was queued.
      answer(afterCompletion, echoTokens);
      sidecar()
          .raiseEvent(RaiseEventRequest.newBuilder().setInstanceId(id).setName("finish").build());
      WorkItem episode = worker.next();
      List<HistoryEvent> later =
          new ArrayList<>(episode.getOrchestratorRequest().getNewEventsList());
      for (int i = 0; i < 3 && later.stream().noneMatch(HistoryEvent::hasEventRaised); i++) {
        answer(episode, echoTokens);
        episode = worker.next();
        later.addAll(episode.getOrchestratorRequest().getNewEventsList());
      }
      assertThat(later).anyMatch(HistoryEvent::hasEventRaised);
      assertThat(taskCompletions(later)).isEmpty();
      answer(
          episode,
          echoTokens,
          OrchestratorAction.newBuilder()
              .setId(1)
              .setCompleteOrchestration(
                  CompleteOrchestrationAction.newBuilder()
                      .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)
                      .setResult(StringValue.of("\"done\"")))
              .build());

      assertThat(
              sidecar()
                  .waitForInstanceCompletion(
                      GetInstanceRequest.newBuilder().setInstanceId(id).build())
                  .getOrchestrationState()
                  .getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      List<HistoryEvent> history = server.server().engine().history("default", id);
      assertThat(taskCompletions(history))
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.getTaskCompleted().getTaskScheduledId()).isZero();
                assertThat(event.getTaskCompleted().getResult().getValue()).isEqualTo("\"echoed\"");
              });
    }
  }

  private void answer(WorkItem item, boolean echoToken, OrchestratorAction... actions) {
    OrchestratorResponse.Builder response =
        OrchestratorResponse.newBuilder()
            .setInstanceId(item.getOrchestratorRequest().getInstanceId())
            .addAllActions(List.of(actions));
    if (echoToken) {
      response.setCompletionToken(item.getCompletionToken());
    }
    sidecar().completeOrchestratorTask(response.build());
  }

  private static List<HistoryEvent> taskCompletions(List<HistoryEvent> events) {
    return events.stream().filter(HistoryEvent::hasTaskCompleted).toList();
  }
}
