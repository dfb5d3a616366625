package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int32Value;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.StreamInstanceHistoryRequest;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code OrchestratorResponse.numEventsProcessed} over the raw protocol: a worker that processed
 * only the first events of an episode has the rest delivered again with the next one, and only what
 * it processed enters the history; a negative count is refused and changes nothing.
 */
class NumEventsProcessedTest {
  private TestScheduler server;
  private ManagedChannel channel;
  private RawSidecar sidecar;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  /**
   * A worker that states its limits, as SDKs newer than 1.5.0 do: it keeps its stream on errors.
   */
  private HandDrivenWorker connect() {
    return HandDrivenWorker.connect(
        channel,
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(1)
            .setMaxConcurrentActivityWorkItems(1)
            .build());
  }

  private void answer(WorkItem episode, Integer processed) {
    OrchestratorResponse.Builder response =
        OrchestratorResponse.newBuilder()
            .setInstanceId(episode.getOrchestratorRequest().getInstanceId())
            .setCompletionToken(episode.getCompletionToken());
    if (processed != null) {
      response.setNumEventsProcessed(Int32Value.of(processed));
    }
    sidecar.call().completeOrchestratorTask(response.build());
  }

  private static List<String> raisedNames(List<HistoryEvent> events) {
    return events.stream()
        .filter(HistoryEvent::hasEventRaised)
        .map(e -> e.getEventRaised().getName())
        .toList();
  }

  /** Starts an instance and returns its second episode, which carries the events a, b and c. */
  private WorkItem episodeWithThreeEvents(HandDrivenWorker worker, String id) throws Exception {
    sidecar
        .call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId(id).setName("waiter").build());
    WorkItem first = worker.next();
    sidecar.raise(id, "a");
    sidecar.raise(id, "b");
    sidecar.raise(id, "c");
    answer(first, null);
    WorkItem second = worker.next();
    assertThat(raisedNames(second.getOrchestratorRequest().getNewEventsList()))
        .containsExactly("a", "b", "c");
    return second;
  }

  @Test
  void eventsTheWorkerDidNotProcessAreDeliveredAgainAndOnlyProcessedOnesEnterHistory()
      throws Exception {
    try (HandDrivenWorker worker = connect()) {
      WorkItem second = episodeWithThreeEvents(worker, "partial");

      answer(second, 2); // OrchestratorStarted and "a"

      WorkItem third = worker.next();
      assertThat(raisedNames(third.getOrchestratorRequest().getPastEventsList()))
          .containsExactly("a");
      assertThat(raisedNames(third.getOrchestratorRequest().getNewEventsList()))
          .containsExactly("b", "c");
      sidecar.answer("partial", RawSidecar.complete(0, null));
      assertThat(sidecar.waitForEnd("partial").getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      List<HistoryEvent> history = new ArrayList<>();
      sidecar
          .call()
          .streamInstanceHistory(
              StreamInstanceHistoryRequest.newBuilder().setInstanceId("partial").build())
          .forEachRemaining(chunk -> history.addAll(chunk.getEventsList()));
      assertThat(raisedNames(history)).containsExactly("a", "b", "c");
    }
  }

  @Test
  void aNegativeCountIsRefusedAndTheEpisodeIsAnsweredLater() throws Exception {
    try (HandDrivenWorker worker = connect()) {
      WorkItem second = episodeWithThreeEvents(worker, "negative");

      assertThatThrownBy(() -> answer(second, -1))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("numEventsProcessed");
              });

      WorkItem again = worker.next();
      assertThat(raisedNames(again.getOrchestratorRequest().getNewEventsList()))
          .containsExactly("a", "b", "c");
      assertThat(raisedNames(again.getOrchestratorRequest().getPastEventsList())).isEmpty();
      answer(again, null);
      assertThat(sidecar.status("negative"))
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_RUNNING);
    }
  }
}
