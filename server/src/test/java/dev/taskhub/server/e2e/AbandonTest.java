package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.AbandonActivityTaskRequest;
import dev.taskhub.protocol.AbandonOrchestrationTaskRequest;
import dev.taskhub.protocol.ActivityResponse;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.ScheduleTaskAction;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Abandoned work items over the raw protocol, as a worker that refuses an orchestration's version
 * sends them: offered to another worker at once (within a second), never failed for it (the poison
 * limit, 3 here, counts failed deliveries, not refusals), and offered again ever more slowly to a
 * worker that keeps refusing alone.
 */
class AbandonTest {
  private static final int POISON_LIMIT = 3;

  private TestScheduler server;
  private RawSidecar sidecar;

  @BeforeEach
  void start() {
    server = TestScheduler.builder().config(c -> c.withPoisonLimit(POISON_LIMIT)).start();
    sidecar = new RawSidecar(server.channel());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAbandonedEpisodeGoesToTheOtherWorkerAtOnceAsOftenAsItIsRefused() throws Exception {
    try (HandDrivenWorker a = HandDrivenWorker.connect(server.channel());
        HandDrivenWorker b = HandDrivenWorker.connect(server.channel())) {
      String id = startInstance();
      List<HandDrivenWorker> workers = List.of(a, b);
      HandDrivenWorker holder = null;
      WorkItem episode = null;
      // Refusals in a row back off (0, 100, 200, … ms) even when they alternate between workers:
      // two that both refuse must not bounce the episode in a hot loop either.
      for (int refusal = 0; refusal <= 2 * POISON_LIMIT; refusal++) {
        Received received = firstOf(workers, Duration.ofSeconds(refusal <= 1 ? 1 : 5));
        if (holder != null) {
          assertThat(received.worker()).as("refusal %d", refusal).isNotSameAs(holder);
          assertThat(received.item().getOrchestratorRequest())
              .as("the same episode, unchanged")
              .isEqualTo(episode.getOrchestratorRequest());
        }
        holder = received.worker();
        episode = received.item();
        if (refusal < 2 * POISON_LIMIT) {
          abandonEpisode(episode);
        }
      }
      assertThat(sidecar.status(id)).isNotEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);

      sidecar.answer(id, RawSidecar.complete(1, null));
      assertThat(sidecar.waitForEnd(id).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }
  }

  @Test
  void aWorkerAloneThatKeepsRefusingAnEpisodeSeesItAgainEverMoreSlowly() throws Exception {
    try (HandDrivenWorker alone = HandDrivenWorker.connect(server.channel())) {
      String id = startInstance();
      List<Long> deliveredAt = new ArrayList<>();
      for (int delivery = 0; delivery < 6; delivery++) {
        WorkItem episode = alone.next(Duration.ofSeconds(5));
        deliveredAt.add(System.nanoTime());
        if (delivery < 5) {
          abandonEpisode(episode);
        }
      }
      // Backoff after abandons 1..5: 0, 100, 200, 400, 800 ms.
      long lastGap = (deliveredAt.get(5) - deliveredAt.get(4)) / 1_000_000;
      long total = (deliveredAt.get(5) - deliveredAt.get(0)) / 1_000_000;
      assertThat(lastGap).isGreaterThanOrEqualTo(700);
      assertThat(total).isGreaterThanOrEqualTo(1_400);
      assertThat(sidecar.status(id)).isNotEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED);

      sidecar.answer(id, RawSidecar.complete(1, null));
      assertThat(sidecar.waitForEnd(id).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }
  }

  @Test
  void anAbandonedActivityGoesToTheOtherWorkerAndItsResultCounts() throws Exception {
    try (HandDrivenWorker a = HandDrivenWorker.connect(server.channel());
        HandDrivenWorker b = HandDrivenWorker.connect(server.channel())) {
      String id = startInstance();
      List<HandDrivenWorker> workers = List.of(a, b);
      firstOf(workers, Duration.ofSeconds(5));
      sidecar.answer(
          id,
          OrchestratorAction.newBuilder()
              .setId(0)
              .setScheduleTask(ScheduleTaskAction.newBuilder().setName("refused-once"))
              .build());

      Received first = firstOf(workers, Duration.ofSeconds(5));
      assertThat(first.item().hasActivityRequest()).isTrue();
      sidecar
          .call()
          .abandonTaskActivityWorkItem(
              AbandonActivityTaskRequest.newBuilder()
                  .setCompletionToken(first.item().getCompletionToken())
                  .build());
      Received second = firstOf(workers, Duration.ofSeconds(5));
      assertThat(second.worker()).isNotSameAs(first.worker());
      assertThat(second.item().getActivityRequest().getTaskId()).isZero();
      sidecar
          .call()
          .completeActivityTask(
              ActivityResponse.newBuilder()
                  .setInstanceId(id)
                  .setTaskId(0)
                  .setCompletionToken(second.item().getCompletionToken())
                  .setResult(StringValue.of("\"done\""))
                  .build());

      Received afterResult = firstOf(workers, Duration.ofSeconds(5));
      assertThat(afterResult.item().getOrchestratorRequest().getNewEventsList())
          .anySatisfy(
              event ->
                  assertThat(event.getTaskCompleted().getResult().getValue())
                      .isEqualTo("\"done\""));
      sidecar.answer(id, RawSidecar.complete(1, null));
      assertThat(sidecar.waitForEnd(id).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }
  }

  private record Received(HandDrivenWorker worker, WorkItem item) {}

  /** The first work item either worker receives within {@code within}. */
  private static Received firstOf(List<HandDrivenWorker> workers, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      for (HandDrivenWorker worker : workers) {
        WorkItem item = worker.poll(Duration.ofMillis(10));
        if (item != null) {
          return new Received(worker, item);
        }
      }
    }
    throw new AssertionError("no work item within " + within);
  }

  private String startInstance() {
    return sidecar
        .call()
        .startInstance(CreateInstanceRequest.newBuilder().setName("versioned").build())
        .getInstanceId();
  }

  private void abandonEpisode(WorkItem episode) {
    sidecar
        .call()
        .abandonTaskOrchestratorWorkItem(
            AbandonOrchestrationTaskRequest.newBuilder()
                .setCompletionToken(episode.getCompletionToken())
                .build());
  }
}
