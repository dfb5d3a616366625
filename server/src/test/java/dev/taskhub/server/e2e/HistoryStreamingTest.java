package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryChunk;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.StreamInstanceHistoryRequest;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.protocol.WorkerCapability;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code StreamInstanceHistory} and {@code WORKER_CAPABILITY_HISTORY_STREAMING} over the raw
 * protocol: a worker that can stream history gets a large one left out of its work item and fetches
 * it in chunks; a worker that cannot gets the same episode whole.
 */
class HistoryStreamingTest {
  /** Three results of this size make a history over the 1 MiB that travels inline. */
  private static final int RESULT_CHARS = 600_000;

  private TestScheduler server;
  private RawSidecar raw;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().start();
    raw = new RawSidecar(server.channel());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aLargeHistoryIsStreamedToAWorkerThatCanAndSentWholeToOneThatCannot() throws Exception {
    GetWorkItemsRequest streaming =
        GetWorkItemsRequest.newBuilder()
            .addCapabilities(WorkerCapability.WORKER_CAPABILITY_HISTORY_STREAMING)
            .build();
    String id;
    WorkItem streamed;
    try (HandDrivenWorker worker = HandDrivenWorker.connect(server.channel(), streaming)) {
      id =
          raw.call()
              .startInstance(CreateInstanceRequest.newBuilder().setName("large").build())
              .getInstanceId();
      WorkItem first = worker.next();
      assertThat(first.getOrchestratorRequest().getRequiresHistoryStreaming()).isFalse();
      raw.answer(id, schedule(0), schedule(1), schedule(2));
      for (int i = 0; i < 3; i++) {
        WorkItem activity = worker.next();
        raw.call()
            .completeActivityTask(
                ActivityResponse.newBuilder()
                    .setInstanceId(id)
                    .setTaskId(activity.getActivityRequest().getTaskId())
                    .setCompletionToken(activity.getCompletionToken())
                    .setResult(StringValue.of(bigResult(activity.getActivityRequest().getTaskId())))
                    .build());
      }
      // The episodes that deliver the large results carry them as new events, inline.
      List<HistoryEvent> delivered = new ArrayList<>();
      WorkItem episode = worker.next();
      delivered.addAll(episode.getOrchestratorRequest().getNewEventsList());
      while (delivered.stream().filter(HistoryEvent::hasTaskCompleted).count() < 3) {
        raw.answer(id);
        episode = worker.next();
        delivered.addAll(episode.getOrchestratorRequest().getNewEventsList());
      }
      raw.answer(id, schedule(3));
      WorkItem small = worker.next();
      raw.call()
          .completeActivityTask(
              ActivityResponse.newBuilder()
                  .setInstanceId(id)
                  .setTaskId(3)
                  .setCompletionToken(small.getCompletionToken())
                  .setResult(StringValue.of("\"small\""))
                  .build());

      streamed = worker.next();
      OrchestratorRequest request = streamed.getOrchestratorRequest();
      assertThat(request.getRequiresHistoryStreaming()).isTrue();
      assertThat(request.getPastEventsList()).isEmpty();
      assertThat(request.getNewEventsList()).anyMatch(HistoryEvent::hasTaskCompleted);
    } // the worker goes away: its episode is given back and sent again unchanged

    List<HistoryChunk> chunks = streamHistory(id, true);
    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(chunks)
        .allSatisfy(chunk -> assertThat(chunk.getSerializedSize()).isLessThanOrEqualTo(1 << 20));
    List<HistoryEvent> fetched = chunks.stream().flatMap(c -> c.getEventsList().stream()).toList();

    try (HandDrivenWorker plain = HandDrivenWorker.connect(server.channel())) {
      OrchestratorRequest whole = plain.next().getOrchestratorRequest();
      assertThat(whole.getRequiresHistoryStreaming()).isFalse();
      assertThat(whole.getNewEventsList())
          .isEqualTo(streamed.getOrchestratorRequest().getNewEventsList());
      assertThat(fetched).isEqualTo(whole.getPastEventsList());
      assertThat(fetched.stream().filter(HistoryEvent::hasTaskCompleted))
          .extracting(event -> event.getTaskCompleted().getResult().getValue())
          .containsExactlyInAnyOrder(bigResult(0), bigResult(1), bigResult(2));

      raw.answer(id, RawSidecar.complete(4, "\"done\""));
    }
    assertThat(raw.waitForEnd(id).getOrchestrationStatus())
        .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    // Ended, the instance's history still streams: all of it, for a client.
    List<HistoryEvent> ended =
        streamHistory(id, false).stream().flatMap(c -> c.getEventsList().stream()).toList();
    assertThat(ended).startsWith(fetched.toArray(HistoryEvent[]::new));
    assertThat(ended.getLast().hasExecutionCompleted()).isTrue();
  }

  @Test
  void unknownInstancesAndExecutionsAreNotFoundAndAMissingIdIsInvalid() {
    String id =
        raw.call()
            .startInstance(CreateInstanceRequest.newBuilder().setName("waits").build())
            .getInstanceId();

    assertThat(statusOf(() -> streamHistory("no-such-instance", false)))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            statusOf(
                () ->
                    drain(
                        StreamInstanceHistoryRequest.newBuilder()
                            .setInstanceId(id)
                            .setExecutionId(StringValue.of("not-its-execution"))
                            .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(statusOf(() -> streamHistory("", false))).isEqualTo(Status.Code.INVALID_ARGUMENT);
    // A pending instance has nothing in its history yet: an empty stream, not an error.
    assertThat(streamHistory(id, false)).isEmpty();
  }

  private List<HistoryChunk> streamHistory(String id, boolean forWorkItem) {
    return drain(
        StreamInstanceHistoryRequest.newBuilder()
            .setInstanceId(id)
            .setForWorkItemProcessing(forWorkItem)
            .build());
  }

  private List<HistoryChunk> drain(StreamInstanceHistoryRequest request) {
    List<HistoryChunk> chunks = new ArrayList<>();
    Iterator<HistoryChunk> stream = raw.call().streamInstanceHistory(request);
    stream.forEachRemaining(chunks::add);
    return chunks;
  }

  private static Status.Code statusOf(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  private static String bigResult(int taskId) {
    return "\"" + String.valueOf((char) ('a' + taskId)).repeat(RESULT_CHARS) + "\"";
  }

  private static OrchestratorAction schedule(int id) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setScheduleTask(ScheduleTaskAction.newBuilder().setName("work"))
        .build();
  }
}
