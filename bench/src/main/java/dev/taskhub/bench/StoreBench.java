package dev.taskhub.bench;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.CreateInstanceResponse;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.InstanceQuery;
import dev.taskhub.protocol.OrchestrationState;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.PurgeInstanceFilter;
import dev.taskhub.protocol.PurgeInstancesRequest;
import dev.taskhub.protocol.PurgeInstancesResponse;
import dev.taskhub.protocol.QueryInstancesRequest;
import dev.taskhub.protocol.QueryInstancesResponse;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.TaskhubClient;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * W6: a store holding many finished instances (100,000 by default). The bench fills it through the
 * scheduler, as an application would: many {@code StartInstance} calls in flight at once, each
 * instance ended in its first episode by the {@link SyntheticWorker} ({@link OneEpisodeScript}: 9
 * in 10 complete, 1 in 10 fail), so each costs a create, an episode and a completing step. Then:
 *
 * <ul>
 *   <li><b>list</b>: {@code QueryInstances} pages of 100, followed by continuation token, for
 *       several filters (status, status and a creation-time window, an instance id prefix, none);
 *       each page's latency, p50 and p99. The protocol's query has no orchestration-name filter
 *       (only status, created time, task hub and id prefix): the id prefix stands in for it, as the
 *       instances of each name have their own prefix. Every page is checked against its filter.
 *   <li><b>history</b>: one W1 fan-out whose history has at least {@code historyEvents} events,
 *       fetched through the SDK's {@code TaskhubClient.history} ({@code StreamInstanceHistory})
 *       again and again: p50 and p99.
 *   <li><b>purge</b>: {@code PurgeInstances} with a filter matching every ended instance, repeated
 *       while the scheduler answers that it is not complete: time and instances/s; then a query
 *       must find none (instances earlier workloads of the bench left in the hub are purged too).
 * </ul>
 *
 * Each phase line has the scheduler's CPU and peak RSS during it.
 */
final class StoreBench {
  /**
   * What to run.
   *
   * @param instances finished instances to fill the store with
   * @param historyEvents at least this many events in the history that is fetched
   * @param pages pages walked per list filter
   * @param fetches times the history is fetched (after 2 unmeasured)
   */
  record Plan(
      int instances,
      int historyEvents,
      int pages,
      int fetches,
      Duration timeout,
      SyntheticWorker.Settings settings,
      CpuSample.Processes measured) {}

  /**
   * What a run established, for its tests: instances filled, events in the fetched history,
   * instances purged, list pages read.
   */
  record Figures(long filled, int historyEvents, long purged, int pages) {}

  /** One list filter: its query, and what each instance it returns must satisfy. */
  private record Filter(String name, InstanceQuery query, Predicate<OrchestrationState> holds) {}

  /** Start calls in flight at once while filling: enough for the scheduler's group commits. */
  private static final int STARTS_IN_FLIGHT = 512;

  private static final int PAGE_SIZE = 100;
  private static final int UNMEASURED_FETCHES = 2;

  private final Endpoint target;
  private final String connectionString;
  private final Plan plan;
  private final String prefix = "w6-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private long filled;
  private int eventsFetched;
  private long purged;
  private int pagesRead;

  StoreBench(Endpoint target, String connectionString, Plan plan) {
    this.target = target;
    this.connectionString = connectionString;
    this.plan = plan;
  }

  /** Runs W6 once and prints its phases; the outcome ends at the first failure. */
  Outcome run() throws InterruptedException {
    System.out.printf(
        "W6 against %s: %d finished instances (1 in 10 failed), list pages of %d (%d per filter),"
            + " a history of at least %d events fetched %d times, then purge of all%n",
        target, plan.instances(), PAGE_SIZE, plan.pages(), plan.historyEvents(), plan.fetches());
    Optional<String> failure = Optional.empty();
    ManagedChannel channel = target.open();
    try (SyntheticWorker worker = SyntheticWorker.connect(List.of(target), plan.settings());
        TaskhubClient client =
            TaskhubClient.builder()
                .connectionString(connectionString)
                .callTimeout(plan.timeout())
                .build()) {
      var stub = TaskHubSidecarServiceGrpc.newStub(channel);
      var blocking = TaskHubSidecarServiceGrpc.newBlockingStub(channel);
      Window window = fill(stub, blocking, worker);
      String historyId = bigHistory(channel, worker);
      list(blocking, window);
      fetchHistory(client, historyId);
      purge(blocking, plan.instances() + 1L);
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      failure = Optional.of(e.getMessage());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    return new Outcome(List.of(), failure);
  }

  /** What the last {@link #run} established (zeros for the phases it did not reach). */
  Figures figures() {
    return new Figures(filled, eventsFetched, purged, pagesRead);
  }

  /** The creation times of the middle half of the filled instances, by the scheduler's clock. */
  private record Window(Instant from, Instant to) {}

  private Window fill(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceStub stub,
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub blocking,
      SyntheticWorker worker)
      throws InterruptedException {
    RunProbe probe = RunProbe.start(plan.measured());
    Semaphore room = new Semaphore(STARTS_IN_FLIGHT);
    AtomicReference<String> failed = new AtomicReference<>();
    long endedBefore = worker.instancesEnded();
    int count = plan.instances();
    long begin = System.nanoTime();
    for (int i = 0; i < count && failed.get() == null; i++) {
      room.acquire();
      boolean fails = i % 10 == 9;
      String id = prefix + (fails ? "f-" : "c-") + i;
      stub.withDeadlineAfter(plan.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .startInstance(
              CreateInstanceRequest.newBuilder()
                  .setInstanceId(id)
                  .setName(fails ? OneEpisodeScript.FAILS : OneEpisodeScript.COMPLETES)
                  .setInput(StringValue.of(Integer.toString(i)))
                  .build(),
              new StreamObserver<CreateInstanceResponse>() {
                @Override
                public void onNext(CreateInstanceResponse value) {}

                @Override
                public void onError(Throwable error) {
                  failed.compareAndSet(null, "Starting " + id + " failed: " + error);
                  room.release();
                }

                @Override
                public void onCompleted() {
                  room.release();
                }
              });
    }
    room.acquire(STARTS_IN_FLIGHT);
    long started = System.nanoTime();
    if (failed.get() != null) {
      throw new BenchException(failed.get());
    }
    long deadline = started + plan.timeout().toNanos();
    while (worker.instancesEnded() - endedBefore < count) {
      worker.failure().ifPresent(reason -> fail("The worker failed while filling: " + reason));
      if (System.nanoTime() > deadline) {
        throw new BenchException(
            (worker.instancesEnded() - endedBefore)
                + " of "
                + count
                + " instances ended within "
                + plan.timeout()
                + " of the last start");
      }
      Thread.sleep(5);
    }
    filled = count;
    double seconds = (System.nanoTime() - begin) / 1e9;
    CpuSample used = probe.finish();
    System.out.printf(
        "W6 fill: %d instances started in %.1f s and ended in %.1f s (%.0f/s)%s%n",
        count, (started - begin) / 1e9, seconds, count / seconds, probe.describe(used));
    // Starts run concurrently, so instance count/4 may have been created after instance 3count/4.
    Instant first = created(blocking, count / 4);
    Instant last = created(blocking, count * 3 / 4);
    return first.isAfter(last) ? new Window(last, first) : new Window(first, last);
  }

  /**
   * When the scheduler created the completing instance nearest to index {@code i}: the window's
   * ends come from the scheduler's clock, as the instances' creation times do.
   */
  private Instant created(TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, int i) {
    int index = i % 10 == 9 ? i - 1 : i;
    String id = prefix + "c-" + Math.max(index, 0);
    try {
      return instant(
          stub.getInstance(GetInstanceRequest.newBuilder().setInstanceId(id).build())
              .getOrchestrationState()
              .getCreatedTimestamp());
    } catch (StatusRuntimeException e) {
      throw new BenchException("GetInstance " + id + " failed: " + e.getStatus(), e);
    }
  }

  private static void fail(String reason) {
    throw new BenchException(reason);
  }

  /** One W1 fan-out big enough for the history, with the same worker. */
  private String bigHistory(ManagedChannel channel, SyntheticWorker worker) {
    int n = (plan.historyEvents() + 1) / 2;
    FanOutDriver driver = new FanOutDriver(channel, plan.timeout());
    String instanceId = prefix + "history";
    FanOutDriver.Run run = driver.run(instanceId, n);
    worker.failure().ifPresent(reason -> fail("The worker failed: " + reason));
    System.out.printf("W6 history instance: W1 N=%d completed in %.0f ms%n", n, run.wallMillis());
    return instanceId;
  }

  private void list(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, Window window) {
    String completedPrefix = prefix + "c-";
    List<Filter> filters =
        List.of(
            new Filter(
                "status=FAILED",
                InstanceQuery.newBuilder()
                    .addRuntimeStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED)
                    .build(),
                state ->
                    state.getOrchestrationStatus()
                        == OrchestrationStatus.ORCHESTRATION_STATUS_FAILED),
            new Filter(
                "status=COMPLETED created in the middle half",
                InstanceQuery.newBuilder()
                    .addRuntimeStatus(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)
                    .setCreatedTimeFrom(timestamp(window.from()))
                    .setCreatedTimeTo(timestamp(window.to()))
                    .build(),
                state ->
                    state.getOrchestrationStatus()
                            == OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED
                        && !instant(state.getCreatedTimestamp()).isBefore(window.from())
                        && !instant(state.getCreatedTimestamp()).isAfter(window.to())),
            new Filter(
                "id prefix (one name's instances)",
                InstanceQuery.newBuilder()
                    .setInstanceIdPrefix(StringValue.of(completedPrefix))
                    .build(),
                state -> state.getInstanceId().startsWith(completedPrefix)),
            new Filter("none", InstanceQuery.getDefaultInstance(), state -> true));
    RunProbe probe = RunProbe.start(plan.measured());
    List<Double> all = new ArrayList<>();
    for (Filter filter : filters) {
      double[] millis = walk(stub, filter);
      for (double m : millis) {
        all.add(m);
      }
      System.out.printf(
          "W6 list %s: %d pages p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
          filter.name(),
          millis.length,
          Stats.percentile(50, millis),
          Stats.percentile(99, millis),
          Stats.percentile(100, millis));
    }
    CpuSample used = probe.finish();
    double[] every = all.stream().mapToDouble(Double::doubleValue).toArray();
    System.out.printf(
        "W6 list, all filters: %d pages p50=%.1f ms p99=%.1f ms%s%n",
        every.length,
        Stats.percentile(50, every),
        Stats.percentile(99, every),
        probe.describe(used));
  }

  /** Walks up to {@code pages} pages of one filter; returns each page's latency. */
  private double[] walk(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, Filter filter) {
    List<Double> millis = new ArrayList<>();
    StringValue token = null;
    for (int page = 0; page < plan.pages(); page++) {
      InstanceQuery.Builder query = filter.query().toBuilder().setMaxInstanceCount(PAGE_SIZE);
      if (token != null) {
        query.setContinuationToken(token);
      }
      long begin = System.nanoTime();
      QueryInstancesResponse answer;
      try {
        answer =
            stub.withDeadlineAfter(plan.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .queryInstances(QueryInstancesRequest.newBuilder().setQuery(query).build());
      } catch (StatusRuntimeException e) {
        throw new BenchException("QueryInstances (" + filter.name() + ") failed: " + e, e);
      }
      millis.add((System.nanoTime() - begin) / 1e6);
      pagesRead++;
      for (OrchestrationState state : answer.getOrchestrationStateList()) {
        if (!filter.holds().test(state)) {
          throw new BenchException(
              "QueryInstances ("
                  + filter.name()
                  + ") returned "
                  + state.getInstanceId()
                  + ", which does not match");
        }
      }
      if (answer.getOrchestrationStateCount() == 0 && page == 0) {
        throw new BenchException("QueryInstances (" + filter.name() + ") found nothing");
      }
      if (!answer.hasContinuationToken() || answer.getContinuationToken().getValue().isEmpty()) {
        break;
      }
      token = answer.getContinuationToken();
    }
    return millis.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private void fetchHistory(TaskhubClient client, String instanceId) {
    RunProbe probe = RunProbe.start(plan.measured());
    double[] millis = new double[plan.fetches()];
    int events = 0;
    for (int i = -UNMEASURED_FETCHES; i < plan.fetches(); i++) {
      long begin = System.nanoTime();
      try {
        events = client.history(instanceId).size();
      } catch (TaskhubException e) {
        throw new BenchException("The history of " + instanceId + ": " + e.getMessage(), e);
      }
      if (i >= 0) {
        millis[i] = (System.nanoTime() - begin) / 1e6;
      }
    }
    CpuSample used = probe.finish();
    eventsFetched = events;
    if (events < plan.historyEvents()) {
      throw new BenchException(
          "The history of "
              + instanceId
              + " has "
              + events
              + " events, fewer than "
              + plan.historyEvents());
    }
    System.out.printf(
        "W6 history of %d events (TaskhubClient.history): %d fetches p50=%.1f ms p99=%.1f ms%s%n",
        events,
        millis.length,
        Stats.percentile(50, millis),
        Stats.percentile(99, millis),
        probe.describe(used));
  }

  private void purge(
      TaskHubSidecarServiceGrpc.TaskHubSidecarServiceBlockingStub stub, long expected) {
    RunProbe probe = RunProbe.start(plan.measured());
    long deleted = 0;
    int calls = 0;
    long begin = System.nanoTime();
    PurgeInstancesRequest request =
        PurgeInstancesRequest.newBuilder()
            .setPurgeInstanceFilter(
                PurgeInstanceFilter.newBuilder()
                    .addRuntimeStatus(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED)
                    .addRuntimeStatus(OrchestrationStatus.ORCHESTRATION_STATUS_FAILED))
            .build();
    boolean complete = false;
    while (!complete) {
      PurgeInstancesResponse answer;
      try {
        answer =
            stub.withDeadlineAfter(plan.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .purgeInstances(request);
      } catch (StatusRuntimeException e) {
        throw new BenchException("PurgeInstances failed after " + deleted + " deleted: " + e, e);
      }
      calls++;
      deleted += answer.getDeletedInstanceCount();
      complete = !answer.hasIsComplete() || answer.getIsComplete().getValue();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    CpuSample used = probe.finish();
    QueryInstancesResponse left =
        stub.queryInstances(
            QueryInstancesRequest.newBuilder()
                .setQuery(InstanceQuery.newBuilder().setMaxInstanceCount(1))
                .build());
    purged = deleted;
    System.out.printf(
        "W6 purge of all: %d instances in %.1f s (%.0f/s, %d call%s)%s%n",
        deleted, seconds, deleted / seconds, calls, calls == 1 ? "" : "s", probe.describe(used));
    // Earlier workloads of this bench (W4) may have left instances in the hub: they go too.
    if (deleted < expected || left.getOrchestrationStateCount() != 0) {
      throw new BenchException(
          "The purge deleted "
              + deleted
              + " instances, expected at least "
              + expected
              + ", and "
              + (left.getOrchestrationStateCount() == 0 ? "none" : "some")
              + " are left");
    }
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
