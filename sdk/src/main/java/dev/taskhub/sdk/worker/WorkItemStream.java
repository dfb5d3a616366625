package dev.taskhub.sdk.worker;

import com.google.protobuf.Empty;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@code GetWorkItems} stream open and hands each work item to a consumer (which must not
 * block). Before each stream it says {@code Hello}, which proves the endpoint and task hub answer;
 * a stream that ends or fails is reopened after an exponential backoff that resets once {@code
 * Hello} succeeds.
 */
final class WorkItemStream {
  private static final Logger log = LoggerFactory.getLogger(WorkItemStream.class);

  private final TaskHubSidecarServiceGrpc.TaskHubSidecarServiceStub stub;
  private final TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub blockingStub;
  private final GetWorkItemsRequest request;
  private final Consumer<WorkItem> consumer;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("taskhub-worker-reconnect").daemon().factory());
  private ClientCallStreamObserver<GetWorkItemsRequest> call;
  private boolean stopped;
  private volatile boolean connected;

  WorkItemStream(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceStub stub,
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub blockingStub,
      GetWorkItemsRequest request,
      Consumer<WorkItem> consumer,
      Backoff backoff) {
    this.stub = stub;
    this.blockingStub = blockingStub;
    this.request = request;
    this.consumer = consumer;
    this.backoff = backoff;
  }

  void start() {
    Thread.ofVirtual().name("taskhub-worker-connect").start(this::connect);
  }

  /** True while a stream is open (after a successful Hello). */
  boolean connected() {
    return connected;
  }

  /** Cancels the stream; the scheduler gives back every item this worker still holds. */
  void stop() {
    ClientCallStreamObserver<GetWorkItemsRequest> current;
    synchronized (this) {
      stopped = true;
      current = call;
      call = null;
    }
    connected = false;
    if (current != null) {
      current.cancel("The worker is stopping", null);
    }
    scheduler.shutdownNow();
  }

  private synchronized boolean isStopped() {
    return stopped;
  }

  private void connect() {
    if (isStopped()) {
      return;
    }
    try {
      blockingStub.withDeadlineAfter(10, TimeUnit.SECONDS).hello(Empty.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        retryLater(e);
        return;
      }
    }
    backoff.reset();
    stub.getWorkItems(request, new Observer());
  }

  private void retryLater(Throwable error) {
    if (isStopped()) {
      return;
    }
    Duration delay = backoff.next();
    log.warn(
        "Work item stream unavailable ({}); reconnecting in {} ms",
        describe(error),
        delay.toMillis());
    try {
      scheduler.schedule(this::start, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.debug("Not reconnecting: the worker stopped");
    }
  }

  private static String describe(Throwable error) {
    if (error == null) {
      return "the scheduler ended it";
    }
    Status status = Status.fromThrowable(error);
    return status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  private final class Observer implements ClientResponseObserver<GetWorkItemsRequest, WorkItem> {
    private ClientCallStreamObserver<GetWorkItemsRequest> own;

    @Override
    public void beforeStart(ClientCallStreamObserver<GetWorkItemsRequest> requestStream) {
      own = requestStream;
      boolean cancel;
      synchronized (WorkItemStream.this) {
        cancel = stopped;
        if (!stopped) {
          call = requestStream;
        }
      }
      if (cancel) {
        requestStream.cancel("The worker is stopping", null);
      } else {
        connected = true;
        log.info("Connected to the scheduler; waiting for work items");
      }
    }

    @Override
    public void onNext(WorkItem item) {
      consumer.accept(item);
    }

    @Override
    public void onError(Throwable error) {
      ended(error);
    }

    @Override
    public void onCompleted() {
      ended(null);
    }

    private void ended(Throwable error) {
      synchronized (WorkItemStream.this) {
        if (call == own) {
          call = null;
        }
      }
      connected = false;
      retryLater(error);
    }
  }
}
