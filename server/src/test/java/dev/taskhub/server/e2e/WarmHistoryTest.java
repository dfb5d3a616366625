package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateTimerAction;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-history path over the raw protocol: a stream that says it keeps runs warm ({@code
 * taskhub-warm-runs}) is sent an instance's next episode with only the history added since its last
 * one, marked with {@code taskhub.pastEventsFrom}; when it answers {@code requiresHistory} the
 * episode comes again at once with the whole history; other streams, and a node that did not send
 * the instance's last episode, always send the whole history.
 */
class WarmHistoryTest {
  private static final String PAST_EVENTS_FROM = "taskhub.pastEventsFrom";

  /** The history once the first episode was answered with a timer. */
  private static final List<HistoryEvent.EventTypeCase> WHOLE_HISTORY_AFTER_FIRST_EPISODE =
      List.of(
          HistoryEvent.EventTypeCase.ORCHESTRATORSTARTED,
          HistoryEvent.EventTypeCase.EXECUTIONSTARTED,
          HistoryEvent.EventTypeCase.TIMERCREATED);

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

  private HandDrivenWorker connect(boolean keepsRunsWarm) {
    return connect(channel, keepsRunsWarm);
  }

  private static HandDrivenWorker connect(ManagedChannel channel, boolean keepsRunsWarm) {
    Channel target = channel;
    if (keepsRunsWarm) {
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("taskhub-warm-runs", Metadata.ASCII_STRING_MARSHALLER), "100");
      target =
          ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return HandDrivenWorker.connect(
        target,
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(1)
            .setMaxConcurrentActivityWorkItems(1)
            .build());
  }

  private void answer(WorkItem episode, OrchestratorAction... actions) {
    complete(answerTo(episode).addAllActions(List.of(actions)));
  }

  private void askForHistory(WorkItem episode) {
    complete(answerTo(episode).setRequiresHistory(true));
  }

  private static OrchestratorResponse.Builder answerTo(WorkItem episode) {
    return OrchestratorResponse.newBuilder()
        .setInstanceId(episode.getOrchestratorRequest().getInstanceId())
        .setCompletionToken(episode.getCompletionToken());
  }

  private void complete(OrchestratorResponse.Builder response) {
    sidecar.call().completeOrchestratorTask(response.build());
  }

  /** A timer far in the future: its TimerCreated is history the worker's own action recorded. */
  private static OrchestratorAction timer(int id) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setCreateTimer(
            CreateTimerAction.newBuilder()
                .setFireAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(4_000_000_000L)))
        .build();
  }

  private static List<HistoryEvent.EventTypeCase> kinds(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventTypeCase).toList();
  }

  private static Integer pastEventsFrom(OrchestratorRequest request) {
    var value = request.getPropertiesMap().get(PAST_EVENTS_FROM);
    return value == null ? null : (int) value.getNumberValue();
  }

  /**
   * Starts the instance and answers its first episode with a timer, then raises {@code a}: returns
   * the second episode.
   */
  private WorkItem secondEpisode(HandDrivenWorker worker, String id) throws Exception {
    sidecar
        .call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId(id).setName("waiter").build());
    WorkItem first = worker.next();
    assertThat(pastEventsFrom(first.getOrchestratorRequest())).isNull();
    answer(first, timer(0));
    sidecar.raise(id, "a");
    return worker.next();
  }

  @Test
  void aWarmStreamIsSentOnlyTheHistoryAddedSinceItsLastEpisode() throws Exception {
    try (HandDrivenWorker worker = connect(true)) {
      WorkItem secondItem = secondEpisode(worker, "warm");
      OrchestratorRequest second = secondItem.getOrchestratorRequest();

      // It saw OrchestratorStarted and ExecutionStarted; its timer's record is new to it.
      assertThat(pastEventsFrom(second)).isEqualTo(2);
      assertThat(kinds(second.getPastEventsList()))
          .containsExactly(HistoryEvent.EventTypeCase.TIMERCREATED);
      assertThat(kinds(second.getNewEventsList()))
          .containsExactly(
              HistoryEvent.EventTypeCase.ORCHESTRATORSTARTED,
              HistoryEvent.EventTypeCase.EVENTRAISED);

      answer(secondItem, timer(1));
      sidecar.raise("warm", "b");
      OrchestratorRequest third = worker.next().getOrchestratorRequest();
      assertThat(pastEventsFrom(third)).isEqualTo(5);
      assertThat(kinds(third.getPastEventsList()))
          .containsExactly(HistoryEvent.EventTypeCase.TIMERCREATED);
    }
  }

  @Test
  void anInstanceThatMovesToAnotherNodeIsSentItsWholeHistoryThere() throws Exception {
    stop();
    String store = TestPostgres.newSchema();
    server = TestScheduler.builder().postgres(store).nodeLease(Duration.ofSeconds(2)).start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
    try (HandDrivenWorker worker = connect(true)) {
      WorkItem trimmed = secondEpisode(worker, "moves");
      assertThat(pastEventsFrom(trimmed.getOrchestratorRequest())).isEqualTo(2);
      answer(trimmed, timer(1));
    }
    stop();

    server = TestScheduler.builder().postgres(store).nodeLease(Duration.ofSeconds(2)).start();
    channel = server.channel();
    sidecar = new RawSidecar(channel);
    try (HandDrivenWorker worker = connect(true)) {
      sidecar.raise("moves", "b");
      OrchestratorRequest there = worker.next(Duration.ofSeconds(20)).getOrchestratorRequest();
      assertThat(pastEventsFrom(there)).isNull();
      assertThat(kinds(there.getPastEventsList()))
          .containsExactly(
              HistoryEvent.EventTypeCase.ORCHESTRATORSTARTED,
              HistoryEvent.EventTypeCase.EXECUTIONSTARTED,
              HistoryEvent.EventTypeCase.TIMERCREATED,
              HistoryEvent.EventTypeCase.ORCHESTRATORSTARTED,
              HistoryEvent.EventTypeCase.EVENTRAISED,
              HistoryEvent.EventTypeCase.TIMERCREATED);
    }
  }

  @Test
  void aStreamThatKeepsNoRunsIsAlwaysSentTheWholeHistory() throws Exception {
    try (HandDrivenWorker worker = connect(false)) {
      OrchestratorRequest second = secondEpisode(worker, "cold").getOrchestratorRequest();

      assertThat(pastEventsFrom(second)).isNull();
      assertThat(kinds(second.getPastEventsList())).isEqualTo(WHOLE_HISTORY_AFTER_FIRST_EPISODE);
    }
  }

  @Test
  void aWorkerThatAsksForTheHistoryGetsTheSameEpisodeAgainAtOnceWithAllOfIt() throws Exception {
    try (HandDrivenWorker worker = connect(true)) {
      WorkItem trimmed = secondEpisode(worker, "asks");
      assertThat(pastEventsFrom(trimmed.getOrchestratorRequest())).isEqualTo(2);

      askForHistory(trimmed);

      OrchestratorRequest again = worker.next(Duration.ofSeconds(2)).getOrchestratorRequest();
      assertThat(pastEventsFrom(again)).isNull();
      assertThat(kinds(again.getPastEventsList())).isEqualTo(WHOLE_HISTORY_AFTER_FIRST_EPISODE);
      assertThat(again.getNewEventsList())
          .isEqualTo(trimmed.getOrchestratorRequest().getNewEventsList());
    }
  }

  @Test
  void askingForTheHistoryOfAWholeHistoryIsAnsweredLikeAnAbandonAndLosesNothing() throws Exception {
    try (HandDrivenWorker worker = connect(true)) {
      sidecar
          .call()
          .startInstance(
              CreateInstanceRequest.newBuilder().setInstanceId("odd").setName("waiter").build());
      WorkItem first = worker.next();
      askForHistory(first);
      WorkItem second = worker.next(); // the first abandon in a row goes out again at once
      assertThat(second.getOrchestratorRequest().getNewEventsList())
          .isEqualTo(first.getOrchestratorRequest().getNewEventsList());

      long askedAt = System.nanoTime();
      askForHistory(second);
      WorkItem third = worker.next();
      // Then after a backoff, not in a hot loop.
      assertThat(Duration.ofNanos(System.nanoTime() - askedAt))
          .isGreaterThanOrEqualTo(Duration.ofMillis(90));

      answer(third, RawSidecar.complete(0, "\"done\""));
      assertThat(sidecar.waitForEnd("odd").getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }
  }
}
