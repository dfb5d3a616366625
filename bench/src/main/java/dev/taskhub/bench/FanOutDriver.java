package dev.taskhub.bench;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The client side of W1: starts one fan-out orchestration, waits for it to finish and checks that
 * it completed with the right result. The wall time runs from sending {@code StartInstance} to
 * receiving the {@code WaitForInstanceCompletion} answer.
 */
final class FanOutDriver {
  /** One checked run: fan-out size and wall time. */
  record Run(int n, long wallNanos) {
    double wallMillis() {
      return wallNanos / 1e6;
    }

    double activitiesPerSecond() {
      return n / (wallNanos / 1e9);
    }
  }

  private final TaskHubSidecarServiceBlockingStub stub;
  private final Duration timeout;

  FanOutDriver(Channel channel, Duration timeout) {
    this.stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
    this.timeout = timeout;
  }

  /**
   * Runs one fan-out of {@code n} activities.
   *
   * @throws BenchException if a call fails, the instance does not finish within the timeout, or it
   *     finishes other than COMPLETED with the expected result
   */
  Run run(int n) {
    return run("bench-w1-" + n + "-" + UUID.randomUUID(), n);
  }

  /** {@link #run(int)} with the instance id {@code instanceId}. */
  Run run(String instanceId, int n) {
    CreateInstanceRequest start =
        CreateInstanceRequest.newBuilder()
            .setInstanceId(instanceId)
            .setName(FanOutScript.ORCHESTRATION)
            .setInput(StringValue.of(FanOutScript.input(n)))
            .build();
    GetInstanceRequest wait =
        GetInstanceRequest.newBuilder()
            .setInstanceId(instanceId)
            .setGetInputsAndOutputs(true)
            .build();
    long begin = System.nanoTime();
    GetInstanceResponse finished;
    try {
      stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).startInstance(start);
      long left = timeout.toNanos() - (System.nanoTime() - begin);
      finished = stub.withDeadlineAfter(left, TimeUnit.NANOSECONDS).waitForInstanceCompletion(wait);
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      String reason =
          status.getCode() == Status.Code.DEADLINE_EXCEEDED
              ? "did not complete within " + timeout
              : "failed: "
                  + status.getCode()
                  + " "
                  + status.getDescription()
                  + (status.getCause() == null ? "" : " (" + status.getCause().getMessage() + ")");
      throw new BenchException("Instance " + instanceId + " " + reason, e);
    }
    long wall = System.nanoTime() - begin;
    check(instanceId, n, finished);
    return new Run(n, wall);
  }

  private static void check(String instanceId, int n, GetInstanceResponse finished) {
    if (!finished.getExists()) {
      throw new BenchException("Instance " + instanceId + " does not exist after it was started");
    }
    OrchestrationState state = finished.getOrchestrationState();
    if (state.getOrchestrationStatus() != OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED) {
      throw new BenchException(
          "Instance "
              + instanceId
              + " ended "
              + state.getOrchestrationStatus()
              + (state.hasFailureDetails()
                  ? ": " + state.getFailureDetails().getErrorMessage()
                  : ""));
    }
    String expected = FanOutScript.expectedResult(n);
    String actual = state.hasOutput() ? state.getOutput().getValue() : null;
    if (!expected.equals(actual)) {
      throw new BenchException(
          "Instance " + instanceId + " completed with " + actual + ", expected " + expected);
    }
  }
}
