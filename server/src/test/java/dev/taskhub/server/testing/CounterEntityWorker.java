package dev.taskhub.server.testing;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.EntityBatchResult;
import dev.taskhub.protocol.EntityRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OperationResult;
import dev.taskhub.protocol.OperationResultFailure;
import dev.taskhub.protocol.OperationResultSuccess;
import dev.taskhub.protocol.TaskFailureDetails;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItem;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker for one kind of entity, a counter, over the raw protocol: {@code add} adds its input (an
 * integer) to the state, {@code get} answers it, {@code delete} deletes it, anything else fails. It
 * reconnects when its stream ends (a scheduler killed and restarted), as the SDKs' workers do.
 * Counts the operations it ran, repeats included.
 */
public final class CounterEntityWorker implements AutoCloseable {
  private final int port;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger operationsRun = new AtomicInteger();
  private final Thread thread;
  private volatile ManagedChannel channel;

  private CounterEntityWorker(int port) {
    this.port = port;
    this.thread = Thread.ofVirtual().name("counter-entity-worker").start(this::work);
  }

  public static CounterEntityWorker start(int port) {
    return new CounterEntityWorker(port);
  }

  public int operationsRun() {
    return operationsRun.get();
  }

  private void work() {
    while (running.get()) {
      channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
      try {
        var stub = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
        Iterator<WorkItem> items =
            stub.getWorkItems(
                GetWorkItemsRequest.newBuilder().setMaxConcurrentEntityWorkItems(1).build());
        while (running.get() && items.hasNext()) {
          WorkItem item = items.next();
          if (item.hasEntityRequestV2()) {
            stub.completeEntityTask(run(item.getEntityRequestV2(), item.getCompletionToken()));
          }
        }
      } catch (StatusRuntimeException e) {
        pause(); // the scheduler went away: connect again
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private EntityBatchResult run(EntityRequest request, String token) {
    Long state =
        request.hasEntityState() ? Long.parseLong(request.getEntityState().getValue()) : null;
    EntityBatchResult.Builder result = EntityBatchResult.newBuilder().setCompletionToken(token);
    for (HistoryEvent operation : request.getOperationRequestsList()) {
      operationsRun.incrementAndGet();
      String name =
          operation.hasEntityOperationCalled()
              ? operation.getEntityOperationCalled().getOperation()
              : operation.getEntityOperationSignaled().getOperation();
      StringValue input =
          operation.hasEntityOperationCalled()
              ? operation.getEntityOperationCalled().getInput()
              : operation.getEntityOperationSignaled().getInput();
      switch (name) {
        case "add" -> {
          state = (state == null ? 0 : state) + Long.parseLong(input.getValue());
          result.addResults(success(state));
        }
        case "get" -> result.addResults(success(state == null ? 0 : state));
        case "delete" -> {
          state = null;
          result.addResults(success(0));
        }
        default ->
            result.addResults(
                OperationResult.newBuilder()
                    .setFailure(
                        OperationResultFailure.newBuilder()
                            .setFailureDetails(
                                TaskFailureDetails.newBuilder()
                                    .setErrorType("IllegalStateException")
                                    .setErrorMessage("counters cannot " + name))));
      }
    }
    if (state != null) {
      result.setEntityState(StringValue.of(Long.toString(state)));
    }
    return result.build();
  }

  private static OperationResult success(long value) {
    return OperationResult.newBuilder()
        .setSuccess(
            OperationResultSuccess.newBuilder().setResult(StringValue.of(Long.toString(value))))
        .build();
  }

  private void pause() {
    try {
      Thread.sleep(200); // a reconnect backoff, not a wait for readiness
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running.set(false);
    ManagedChannel current = channel;
    if (current != null) {
      current.shutdownNow();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
