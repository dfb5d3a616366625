package dev.taskhub.server.e2e;

import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import io.grpc.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The raw protocol as a test speaks it by hand: calls with a deadline, and episode answers. */
final class RawSidecar {
  private final Channel channel;

  RawSidecar(Channel channel) {
    this.channel = channel;
  }

  /** A stub for one call, which fails after 20 s rather than hang the test. */
  TaskHubSidecarServiceBlockingStub call() {
    return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** Answers the instance's episode in flight, as the Java SDK 1.5.0 does (no completion token). */
  void answer(String instanceId, OrchestratorAction... actions) {
    call()
        .completeOrchestratorTask(
            OrchestratorResponse.newBuilder()
                .setInstanceId(instanceId)
                .addAllActions(List.of(actions))
                .build());
  }
}
