package dev.taskhub.bench;

import dev.taskhub.protocol.ActivityRequest;
import dev.taskhub.protocol.GetWorkItemsRequest;
import dev.taskhub.protocol.OrchestratorAction;
import dev.taskhub.protocol.OrchestratorRequest;
import dev.taskhub.protocol.OrchestratorResponse;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.protocol.WorkItem;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A protocol-level worker with no SDK: opens {@code streams} {@code GetWorkItems} streams, each on
 * its own channel (spread over the endpoints), and answers every work item at once with {@link
 * FanOutScript} (W1) or {@link OneEpisodeScript} (W6's filling), so that a run measures the
 * scheduler rather than a worker. Completions echo the work item's completion token and go out
 * asynchronously on the channel the item came from.
 *
 * <p>Failures (a stream that ends, a rejected completion, an unexpected work item) are recorded,
 * not thrown: the driver checks {@link #failure} after each run.
 */
final class SyntheticWorker implements AutoCloseable {
  /**
   * @param streams number of {@code GetWorkItems} streams, one channel each
   * @param maxOrchestrations {@code maxConcurrentOrchestrationWorkItems} asked per stream
   * @param maxActivities {@code maxConcurrentActivityWorkItems} asked per stream
   */
  record Settings(int streams, int maxOrchestrations, int maxActivities) {
    Settings {
      if (streams < 1 || maxOrchestrations < 1 || maxActivities < 1) {
        throw new IllegalArgumentException("Worker streams and limits must be at least 1");
      }
    }
  }

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<WorkItemStream> streams = new ArrayList<>();
  private final LongAdder orchestrationItems = new LongAdder();
  private final LongAdder activitiesAnswered = new LongAdder();
  private final LongAdder activitiesAcknowledged = new LongAdder();
  private final LongAdder instancesEnded = new LongAdder();
  private final AtomicLong answersLeft;
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile boolean closing;

  private SyntheticWorker(long activityAnswers) {
    this.answersLeft = new AtomicLong(activityAnswers);
  }

  /**
   * Connects the worker's streams, stream i to endpoint i modulo their number (so that each node of
   * a cluster gets its share); work starts arriving as soon as the server registers them.
   */
  static SyntheticWorker connect(List<Endpoint> endpoints, Settings settings) {
    return connect(endpoints, settings, Long.MAX_VALUE);
  }

  /**
   * Connects a worker that answers only the first {@code activityAnswers} activity work items and
   * holds every later one unanswered, as if it were still running (W5 kills the scheduler while
   * they are held).
   */
  static SyntheticWorker connect(
      List<Endpoint> endpoints, Settings settings, long activityAnswers) {
    SyntheticWorker worker = new SyntheticWorker(activityAnswers);
    GetWorkItemsRequest request =
        GetWorkItemsRequest.newBuilder()
            .setMaxConcurrentOrchestrationWorkItems(settings.maxOrchestrations())
            .setMaxConcurrentActivityWorkItems(settings.maxActivities())
            .build();
    int completionLimit = settings.maxOrchestrations() + settings.maxActivities();
    for (int i = 0; i < settings.streams(); i++) {
      ManagedChannel channel = endpoints.get(i % endpoints.size()).open();
      worker.channels.add(channel);
      WorkItemStream stream = worker.new WorkItemStream(channel, completionLimit);
      worker.streams.add(stream);
      TaskHubSidecarServiceGrpc.newStub(channel).getWorkItems(request, stream);
    }
    return worker;
  }

  /** Orchestration work items (episodes) received so far. */
  long orchestrationItems() {
    return orchestrationItems.sum();
  }

  /** Activity work items answered (sent) so far. */
  long activitiesAnswered() {
    return activitiesAnswered.sum();
  }

  /** Activity answers the scheduler acknowledged (so committed) so far. */
  long activitiesAcknowledged() {
    return activitiesAcknowledged.sum();
  }

  /**
   * Answers that ended an instance ({@link OneEpisodeScript}'s, or W1's last) that the scheduler
   * acknowledged, so committed, so far.
   */
  long instancesEnded() {
    return instancesEnded.sum();
  }

  /** The first failure seen, if any. */
  Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }

  private void fail(String reason) {
    if (!closing) {
      failure.compareAndSet(null, reason);
    }
  }

  /** Cancels the streams and closes the channels; completions still in flight are dropped. */
  @Override
  public void close() {
    closing = true;
    streams.forEach(WorkItemStream::cancel);
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(Throwable error) {
    Status status = Status.fromThrowable(error);
    return status.getCode() + " " + status.getDescription();
  }

  /** One {@code GetWorkItems} stream; gRPC calls its methods one at a time. */
  private final class WorkItemStream
      implements ClientResponseObserver<GetWorkItemsRequest, WorkItem> {
    private final TaskHubSidecarServiceGrpc.TaskHubSidecarServiceStub stub;
    private final CompletionSender completions;
    private volatile ClientCallStreamObserver<GetWorkItemsRequest> call;

    WorkItemStream(ManagedChannel channel, int completionLimit) {
      this.stub = TaskHubSidecarServiceGrpc.newStub(channel);
      this.completions =
          new CompletionSender(
              completionLimit, error -> fail("A completion was rejected: " + describe(error)));
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<GetWorkItemsRequest> requestStream) {
      this.call = requestStream;
    }

    @Override
    public void onNext(WorkItem item) {
      switch (item.getRequestCase()) {
        case ORCHESTRATORREQUEST ->
            orchestrate(item.getOrchestratorRequest(), item.getCompletionToken());
        case ACTIVITYREQUEST -> runActivity(item.getActivityRequest(), item.getCompletionToken());
        case HEALTHPING -> {}
        default -> fail("Unexpected work item: " + item.getRequestCase());
      }
    }

    private void orchestrate(OrchestratorRequest request, String token) {
      orchestrationItems.increment();
      List<OrchestratorAction> actions =
          OneEpisodeScript.handles(request)
              ? OneEpisodeScript.decide(request)
              : FanOutScript.decide(request);
      OrchestratorResponse response =
          OrchestratorResponse.newBuilder()
              .setInstanceId(request.getInstanceId())
              .addAllActions(actions)
              .setCompletionToken(token)
              .build();
      boolean ends = actions.stream().anyMatch(OrchestratorAction::hasCompleteOrchestration);
      completions.send(
          done -> stub.completeOrchestratorTask(response, done),
          ends ? instancesEnded::increment : () -> {});
    }

    private void runActivity(ActivityRequest request, String token) {
      if (answersLeft.getAndDecrement() <= 0) {
        return; // held: never answered by this worker
      }
      activitiesAnswered.increment();
      var response = FanOutScript.runActivity(request).setCompletionToken(token).build();
      completions.send(
          done -> stub.completeActivityTask(response, done), activitiesAcknowledged::increment);
    }

    @Override
    public void onError(Throwable error) {
      fail("The GetWorkItems stream failed: " + describe(error));
    }

    @Override
    public void onCompleted() {
      fail("The server ended the GetWorkItems stream");
    }

    void cancel() {
      ClientCallStreamObserver<GetWorkItemsRequest> current = call;
      if (current != null) {
        current.cancel("bench finished", null);
      }
    }
  }
}
