package dev.taskhub.server.grpc;

import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.WorkItem;
import dev.taskhub.server.engine.WorkItemSink;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * A {@code GetWorkItems} response stream as the engine's sink. Sends are serialized on the observer
 * (gRPC observers are not thread-safe) and dropped once the call is cancelled.
 *
 * <p>A worker that announced {@code WORKER_CAPABILITY_HISTORY_STREAMING} gets an orchestrator
 * request whose past events exceed {@link #INLINE_HISTORY_BYTES} without them, marked {@code
 * requiresHistoryStreaming}: it fetches them with {@code StreamInstanceHistory}, in chunks that
 * each fit in a message, where the whole work item might not. Other workers always get the whole
 * history in the work item.
 */
final class GrpcWorkItemSink implements WorkItemSink {
  /** Past events up to this size travel in the work item, as they do for every other worker. */
  static final int INLINE_HISTORY_BYTES = HistoryChunks.BUDGET_BYTES;

  private final ServerCallStreamObserver<WorkItem> observer;
  private final boolean streamsHistory;

  GrpcWorkItemSink(ServerCallStreamObserver<WorkItem> observer, boolean streamsHistory) {
    this.observer = observer;
    this.streamsHistory = streamsHistory;
  }

  @Override
  public void send(WorkItem item) {
    WorkItem sent = streamsHistory ? withoutLargeHistory(item) : item;
    synchronized (observer) {
      if (!observer.isCancelled()) {
        observer.onNext(sent);
      }
    }
  }

  private static WorkItem withoutLargeHistory(WorkItem item) {
    if (!item.hasOrchestratorRequest()) {
      return item;
    }
    OrchestratorRequest request = item.getOrchestratorRequest();
    long pastEventsBytes = 0;
    for (HistoryEvent event : request.getPastEventsList()) {
      pastEventsBytes += event.getSerializedSize();
    }
    if (pastEventsBytes <= INLINE_HISTORY_BYTES) {
      return item;
    }
    return item.toBuilder()
        .setOrchestratorRequest(
            request.toBuilder().clearPastEvents().setRequiresHistoryStreaming(true))
        .build();
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
