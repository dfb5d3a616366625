package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItem;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code GetWorkItems} stream read by the test itself, so that it can answer work items by hand
 * over the raw protocol.
 */
final class HandDrivenWorker implements AutoCloseable {
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private volatile ClientCallStreamObserver<GetWorkItemsRequest> call;

  private HandDrivenWorker() {}

  /** Opens the stream with an empty request, as the official Java SDK 1.5.0 does. */
  static HandDrivenWorker connect(Channel channel) {
    return connect(channel, GetWorkItemsRequest.getDefaultInstance());
  }

  /** Opens the stream with {@code request} (limits, capabilities, filters). */
  static HandDrivenWorker connect(Channel channel, GetWorkItemsRequest request) {
    HandDrivenWorker worker = new HandDrivenWorker();
    TaskHubSidecarServiceGrpc.newStub(channel).getWorkItems(request, worker.new Receiver());
    return worker;
  }

  /** The next work item; fails the test if none arrives within 10 s or the stream ended. */
  WorkItem next() throws InterruptedException {
    return next(Duration.ofSeconds(10));
  }

  /** The next work item; fails the test if none arrives in time or the stream ended. */
  WorkItem next(Duration within) throws InterruptedException {
    Object item = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(item).as("a work item within %s", within).isNotNull();
    if (item instanceof Throwable error) {
      throw new AssertionError("The work-item stream ended", error);
    }
    return (WorkItem) item;
  }

  /** The next work item if one arrives within {@code within}, else null. */
  WorkItem poll(Duration within) throws InterruptedException {
    Object item = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (item instanceof Throwable error) {
      throw new AssertionError("The work-item stream ended", error);
    }
    return (WorkItem) item;
  }

  /** Fails the test if a work item (or the stream's end) arrives within {@code within}. */
  void receivesNothingWithin(Duration within) throws InterruptedException {
    Object item = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(item).as("nothing sent within %s", within).isNull();
  }

  /** Cancels the stream, as a worker that goes away does; the server gives back what it held. */
  void disconnect() {
    if (call != null) {
      call.cancel("worker disconnected", null);
    }
  }

  @Override
  public void close() {
    disconnect();
  }

  private final class Receiver implements ClientResponseObserver<GetWorkItemsRequest, WorkItem> {
    @Override
    public void beforeStart(ClientCallStreamObserver<GetWorkItemsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(WorkItem item) {
      received.add(item);
    }

    @Override
    public void onError(Throwable error) {
      received.add(error);
    }

    @Override
    public void onCompleted() {
      received.add(new IllegalStateException("the server completed the stream"));
    }
  }
}
