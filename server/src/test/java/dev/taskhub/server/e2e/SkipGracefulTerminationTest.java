package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateTimerAction;
import dev.taskhub.protocol.InstanceBatch;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.SkipGracefulOrchestrationTerminationsRequest;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code SkipGracefulOrchestrationTerminations} over the raw protocol: running and pending
 * instances end TERMINATED on the server, their workers never see the termination, and the ids it
 * could not terminate (ended, unknown) come back.
 */
class SkipGracefulTerminationTest {
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
  void runningAndPendingInstancesEndTerminatedWithoutTheirWorker() throws Exception {
    try (HandDrivenWorker worker = HandDrivenWorker.connect(server.channel())) {
      String running = start("waits", null);
      WorkItem first = worker.next();
      raw.answer(running, timerAt(0, System.currentTimeMillis() + 3_600_000));
      String pending = start("later", Events.timestamp(System.currentTimeMillis() + 3_600_000));
      String ended = start("quick", null);
      worker.next();
      raw.answer(ended, RawSidecar.complete(0, null));
      assertThat(first.getOrchestratorRequest().getInstanceId()).isEqualTo(running);
      assertThat(raw.waitForEnd(ended).getOrchestrationStatus())
          .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);

      List<String> unterminated =
          raw.call()
              .skipGracefulOrchestrationTerminations(
                  SkipGracefulOrchestrationTerminationsRequest.newBuilder()
                      .setInstanceBatch(
                          InstanceBatch.newBuilder()
                              .addInstanceIds(running)
                              .addInstanceIds(pending)
                              .addInstanceIds(ended)
                              .addInstanceIds("no-such-instance"))
                      .setReason(StringValue.of("\"cleanup\""))
                      .build())
              .getUnterminatedInstanceIdsList();

      assertThat(unterminated).containsExactly(ended, "no-such-instance");
      for (String id : List.of(running, pending)) {
        OrchestrationState state = raw.waitForEnd(id);
        assertThat(state.getOrchestrationStatus())
            .as(id)
            .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_TERMINATED);
        assertThat(state.getOutput().getValue()).isEqualTo("\"cleanup\"");
      }
      worker.receivesNothingWithin(Duration.ofMillis(500));
    }
  }

  @Test
  void moreThanFiveHundredIdsInOneCallAreRefusedAndNothingIsTerminated() {
    String running = start("waits", null);
    InstanceBatch.Builder batch = InstanceBatch.newBuilder().addInstanceIds(running);
    IntStream.range(0, 500).forEach(i -> batch.addInstanceIds("id-" + i));

    assertThatThrownBy(
            () ->
                raw.call()
                    .skipGracefulOrchestrationTerminations(
                        SkipGracefulOrchestrationTerminationsRequest.newBuilder()
                            .setInstanceBatch(batch)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("at most 500");
            });
    assertThat(raw.status(running)).isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_PENDING);
  }

  private String start(String name, com.google.protobuf.Timestamp startAt) {
    CreateInstanceRequest.Builder request = CreateInstanceRequest.newBuilder().setName(name);
    if (startAt != null) {
      request.setScheduledStartTimestamp(startAt);
    }
    return raw.call().startInstance(request.build()).getInstanceId();
  }

  private static OrchestratorAction timerAt(int id, long epochMillis) {
    return OrchestratorAction.newBuilder()
        .setId(id)
        .setCreateTimer(CreateTimerAction.newBuilder().setFireAt(Events.timestamp(epochMillis)))
        .build();
  }
}
