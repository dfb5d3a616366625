package dev.taskhub.server.grpc;

import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.engine.WorkItemSink;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A {@code GetWorkItems} response stream as the engine's sink. Sends are serialized on the observer
 * (gRPC observers are not thread-safe) and dropped once the call is cancelled.
 */
final class GrpcWorkItemSink implements WorkItemSink {
  private final ServerCallStreamObserver<WorkItem> observer;

  GrpcWorkItemSink(ServerCallStreamObserver<WorkItem> observer) {
    this.observer = observer;
  }

  @Override
  public void send(WorkItem item) {
    synchronized (observer) {
      if (!observer.isCancelled()) {
        observer.onNext(item);
      }
    }
  }

  @Override
  public boolean isReady() {
    return observer.isReady();
  }

  /** Every end asks the worker to come back: UNAVAILABLE makes the SDKs back off and reconnect. */
  @Override
  public void close(StreamEnd reason) {
    synchronized (observer) {
      if (!observer.isCancelled()) {
        observer.onError(
            Status.UNAVAILABLE.withDescription(reason.description()).asRuntimeException());
      }
    }
  }
}
