package dev.taskhub.server.e2e;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CompleteOrchestrationAction;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.RaiseEventRequest;
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

  /** The action that completes an orchestration with {@code result} (JSON; null for none). */
  static OrchestratorAction complete(int actionId, String result) {
    CompleteOrchestrationAction.Builder complete =
        CompleteOrchestrationAction.newBuilder()
            .setOrchestrationStatus(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    if (result != null) {
      complete.setResult(StringValue.of(result));
    }
    return OrchestratorAction.newBuilder()
        .setId(actionId)
        .setCompleteOrchestration(complete)
        .build();
  }

  /** Starts an instance of orchestration {@code name}, without input. */
  void start(String instanceId, String name) {
    call()
        .startInstance(
            CreateInstanceRequest.newBuilder().setInstanceId(instanceId).setName(name).build());
  }

  /** Raises event {@code name} at the instance, with its name as a JSON string for data. */
  void raise(String instanceId, String name) {
    call()
        .raiseEvent(
            RaiseEventRequest.newBuilder()
                .setInstanceId(instanceId)
                .setName(name)
                .setInput(StringValue.of("\"" + name + "\""))
                .build());
  }

  /** The instance's status now. */
  OrchestrationStatus status(String instanceId) {
    return call()
        .getInstance(GetInstanceRequest.newBuilder().setInstanceId(instanceId).build())
        .getOrchestrationState()
        .getOrchestrationStatus();
  }

  /** The instance's state, with its payloads, once it has ended. */
  OrchestrationState waitForEnd(String instanceId) {
    return call()
        .waitForInstanceCompletion(
            GetInstanceRequest.newBuilder()
                .setInstanceId(instanceId)
                .setGetInputsAndOutputs(true)
                .build())
        .getOrchestrationState();
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
