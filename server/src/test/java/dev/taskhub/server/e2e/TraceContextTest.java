package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestrationTraceContext;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.RaiseEventRequest;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.engine.Events;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The span a worker opens for an orchestration ({@code orchestrationTraceContext} in its response)
 * comes back with every later episode, across a restart, until the orchestration continues as new.
 */
class TraceContextTest {
  private static final OrchestrationTraceContext SPAN =
      OrchestrationTraceContext.newBuilder()
          .setSpanID(StringValue.of("00f067aa0ba902b7"))
          .setSpanStartTime(Events.timestamp(1_700_000_000_000L))
          .build();

  @TempDir Path data;

  @Test
  void theOrchestrationsSpanComesBackWithLaterEpisodesAndEndsWithItsGeneration() throws Exception {
    Path file = data.resolve("taskhub.db");
    String id;
    try (TestScheduler server = TestScheduler.builder().sqliteFile(file).start();
        HandDrivenWorker worker = HandDrivenWorker.connect(server.channel())) {
      RawSidecar sidecar = new RawSidecar(server.channel());
      id =
          sidecar
              .call()
              .startInstance(CreateInstanceRequest.newBuilder().setName("traced").build())
              .getInstanceId();
      WorkItem first = worker.next();
      assertThat(first.getOrchestratorRequest().hasOrchestrationTraceContext()).isFalse();
      sidecar
          .call()
          .completeOrchestratorTask(
              OrchestratorResponse.newBuilder()
                  .setInstanceId(id)
                  .setCompletionToken(first.getCompletionToken())
                  .setOrchestrationTraceContext(SPAN)
                  .build());
      raise(sidecar, id);
      WorkItem second = worker.next();
      assertThat(second.getOrchestratorRequest().getOrchestrationTraceContext()).isEqualTo(SPAN);
      sidecar.answer(id); // no trace context this time: the stored one stays
    }

    try (TestScheduler server = TestScheduler.builder().sqliteFile(file).start();
        HandDrivenWorker worker = HandDrivenWorker.connect(server.channel())) {
      RawSidecar sidecar = new RawSidecar(server.channel());
      raise(sidecar, id);
      WorkItem afterRestart = worker.next();
      assertThat(afterRestart.getOrchestratorRequest().getOrchestrationTraceContext())
          .isEqualTo(SPAN);
      sidecar.answer(
          id,
          OrchestratorAction.newBuilder()
              .setId(0)
              .setCompleteOrchestration(
                  CompleteOrchestrationAction.newBuilder()
                      .setOrchestrationStatus(
                          OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW))
              .build());
      WorkItem newGeneration = worker.next();
      assertThat(newGeneration.getOrchestratorRequest().hasOrchestrationTraceContext()).isFalse();
    }
  }

  private static void raise(RawSidecar sidecar, String id) {
    sidecar
        .call()
        .raiseEvent(RaiseEventRequest.newBuilder().setInstanceId(id).setName("next").build());
  }
}
