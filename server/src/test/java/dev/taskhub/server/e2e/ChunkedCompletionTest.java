package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int32Value;
import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.protocol.WorkerCapability;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Orchestrator responses sent in chunks over the raw protocol, as the Java SDK does for responses
 * over its 4 MiB message size: applied as one step once the last chunk arrives; a broken series
 * changes nothing and the episode can still be answered.
 */
@SuppressWarnings("deprecation") // isPartial and chunkIndex, which SDKs still send
class ChunkedCompletionTest {
  /** Ten inputs of a million characters: a response of about 10 MB, sent in chunks of about 4. */
  private static final int TASKS = 10;

  private static final int INPUT_CHARS = 1_000_000;

  /**
   * Room for every activity at once, so that the test can hold them all before answering; and
   * history streaming, as the SDKs that chunk have: a history of ten large inputs would not fit in
   * a work item a client accepts (4 MiB by default).
   */
  private static final GetWorkItemsRequest ROOMY =
      GetWorkItemsRequest.newBuilder()
          .setMaxConcurrentOrchestrationWorkItems(1)
          .setMaxConcurrentActivityWorkItems(TASKS)
          .addCapabilities(WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING)
          .build();

  private TestScheduler server;
  private RawSidecar sidecar;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().start();
    sidecar = new RawSidecar(server.channel());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aTenMegabyteResponseInFourMegabyteChunksIsAppliedWholeOnceTheLastArrives() throws Exception {
    try (HandDrivenWorker worker = HandDrivenWorker.connect(server.channel(), ROOMY)) {
      String id = startInstance();
      WorkItem episode = worker.next();
      List<OrchestratorAction> tasks =
          IntStream.range(0, TASKS).mapToObj(ChunkedCompletionTest::bigTask).toList();

      send(chunk(episode, 0, true, tasks.subList(0, 4)));
      send(chunk(episode, 1, true, tasks.subList(4, 8)));
      assertThat(scheduled(id)).as("nothing applied before the last chunk").isEmpty();
      send(chunk(episode, 2, false, tasks.subList(8, 10)));

      List<WorkItem> activities = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        activities.add(worker.next());
      }
      assertThat(activities)
          .extracting(item -> item.getActivityRequest().getTaskId())
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, TASKS).boxed().toList());
      for (WorkItem activity : activities) {
        int taskId = activity.getActivityRequest().getTaskId();
        assertThat(activity.getActivityRequest().getInput().getValue()).isEqualTo(input(taskId));
      }
      assertThat(scheduled(id)).hasSize(TASKS);
      finish(id, worker, activities);
    }
  }

  @Test
  void aBrokenSeriesChangesNothingAndTheEpisodeCanStillBeAnswered() throws Exception {
    try (HandDrivenWorker worker = HandDrivenWorker.connect(server.channel(), ROOMY)) {
      String id = startInstance();
      WorkItem episode = worker.next();
      List<OrchestratorAction> tasks = List.of(smallTask(0), smallTask(1), smallTask(2));

      assertInvalid(chunk(episode, 1, true, tasks.subList(0, 1)), "continues no series");
      send(chunk(episode, 0, true, tasks.subList(0, 1)));
      assertInvalid(chunk(episode, 2, false, tasks.subList(2, 3)), "chunk 1 was due");
      assertInvalid(chunk(episode, 1, false, tasks.subList(1, 2)), "continues no series");
      send(chunk(episode, 0, true, tasks.subList(0, 1)));
      assertInvalid(chunk(episode, 0, true, tasks.subList(0, 1)), "arrived again");
      assertInvalid(
          chunk(episode, 0, true, tasks.subList(0, 1)).toBuilder().clearCompletionToken().build(),
          "completionToken");

      assertThat(scheduled(id)).isEmpty();
      assertThat(sidecar.status(id)).isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);

      send(chunk(episode, 0, true, tasks.subList(0, 2)));
      send(chunk(episode, 1, false, tasks.subList(2, 3)));
      assertThat(scheduled(id)).hasSize(3);
      List<WorkItem> activities = List.of(worker.next(), worker.next(), worker.next());
      finish(id, worker, activities);
    }
  }

  private String startInstance() {
    return sidecar
        .call()
        .startInstance(CreateInstanceRequest.newBuilder().setName("chunky").build())
        .getInstanceId();
  }

  /** Completes the activities, then the orchestration, and checks that it ended COMPLETED. */
  private void finish(String id, HandDrivenWorker worker, List<WorkItem> activities)
      throws InterruptedException {
    for (WorkItem activity : activities) {
      sidecar
          .call()
          .completeActivityTask(
              ActivityResponse.newBuilder()
                  .setInstanceId(id)
                  .setTaskId(activity.getActivityRequest().getTaskId())
                  .setCompletionToken(activity.getCompletionToken())
                  .setResult(StringValue.of("1"))
                  .build());
    }
    int results = 0;
    while (true) {
      WorkItem episode = worker.next();
      results +=
          (int)
              episode.getOrchestratorRequest().getNewEventsList().stream()
                  .filter(HistoryEvent::hasTaskCompleted)
                  .count();
      if (results == activities.size()) {
        sidecar.answer(id, RawSidecar.complete(activities.size(), Integer.toString(results)));
        break;
      }
      sidecar.answer(id);
    }
    assertThat(sidecar.waitForEnd(id).getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
  }

  private void send(OrchestratorResponse chunk) {
    sidecar.call().completeOrchestratorTask(chunk);
  }

  private void assertInvalid(OrchestratorResponse chunk, String problem) {
    try {
      send(chunk);
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(problem);
      return;
    }
    throw new AssertionError("chunk " + chunk.getChunkIndex().getValue() + " was accepted");
  }

  private List<HistoryEvent> scheduled(String id) {
    return server.server().engine().history("default", id).stream()
        .filter(HistoryEvent::hasTaskScheduled)
        .toList();
  }

  private static OrchestratorResponse chunk(
      WorkItem episode, int index, boolean partial, List<OrchestratorAction> actions) {
    return OrchestratorResponse.newBuilder()
        .setInstanceId(episode.getOrchestratorRequest().getInstanceId())
        .setCompletionToken(episode.getCompletionToken())
        .setChunkIndex(Int32Value.of(index))
        .setIsPartial(partial)
        .addAllActions(actions)
        .build();
  }

  private static String input(int taskId) {
    return "\"" + String.valueOf((char) ('a' + taskId)).repeat(INPUT_CHARS) + "\"";
  }

  private static OrchestratorAction bigTask(int id) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(
            ScheduleTaskAction.newBuilder().setName("work").setInput(StringValue.of(input(id))))
        .build();
  }

  private static OrchestratorAction smallTask(int id) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work"))
        .build();
  }
}
