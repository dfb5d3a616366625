package dev.taskhub.bench;

import com.google.protobuf.StringValue;
import dev.taskhub.protocol.CreateInstanceRequest;
import dev.taskhub.protocol.GetInstanceRequest;
import dev.taskhub.protocol.GetInstanceResponse;
import dev.taskhub.protocol.HistoryEvent;
import dev.taskhub.protocol.OrchestrationStatus;
import dev.taskhub.protocol.StreamInstanceHistoryRequest;
import dev.taskhub.protocol.TaskHubSidecarServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * W5: {@code kill -9} of the scheduler in the middle of W1 (N = 1,000), restart on the same SQLite
 * file, time to finish. Each run starts a scheduler of its own ({@link SchedulerProcess}, a fresh
 * file in {@code workDir}) and a {@link SyntheticWorker} that answers the first N/2 activities and
 * holds the rest unanswered, as if they were still running. Once the scheduler has acknowledged (so
 * committed) those N/2 results, it is killed with SIGKILL; a new scheduler starts on the same file
 * and a new worker connects to it. The run counts only if the instance then completes with the
 * right output and its history ({@link HistoryCheck}) holds every activity's result exactly once.
 *
 * <p>Times: {@code ready} from the restart until the new scheduler's ready line (JVM start, store
 * open, recovery), {@code finish} from that ready line until the completion wait returned (the rest
 * of the fan-out: the N/2 lost activities dispatched again, the aggregate, the end), and {@code
 * restart} the sum. The restarted scheduler's peak RSS is its whole life's (VmHWM).
 */
final class CrashBench {
  /**
   * What to run.
   *
   * @param n the fan-out size
   * @param taskHub the task hub, or null for the server's default
   * @param launcher how to start a scheduler
   * @param workDir where the runs' SQLite files go (each deleted after its run)
   */
  record Plan(
      int n,
      int runs,
      int warmup,
      Duration timeout,
      String taskHub,
      SyntheticWorker.Settings settings,
      SchedulerProcess.Launcher launcher,
      Path workDir) {}

  /** One checked run. */
  record Run(
      int n,
      long killedAfterNanos,
      long readyNanos,
      long finishNanos,
      long activitiesAfterRestart,
      OptionalLong peakRssBytes,
      Duration restartedCpu) {
    double readyMillis() {
      return readyNanos / 1e6;
    }

    double finishMillis() {
      return finishNanos / 1e6;
    }

    double restartMillis() {
      return (readyNanos + finishNanos) / 1e6;
    }
  }

  private static final Duration READY_PATIENCE = Duration.ofSeconds(60);

  private final Plan plan;
  private final List<Run> measured = new ArrayList<>();

  CrashBench(Plan plan) {
    this.plan = plan;
  }

  /** Runs W5 and prints a line per run and the medians; the outcome ends at the first failure. */
  Outcome run() {
    System.out.printf(
        "W5 kill -9 in the middle of W1 N=%d on a SQLite file, then restart: %d runs (+%d"
            + " warm-up), each with a scheduler of its own%n",
        plan.n(), plan.runs(), plan.warmup());
    Optional<String> failure = Optional.empty();
    try {
      for (int i = 1 - plan.warmup(); i <= plan.runs(); i++) {
        String label = i <= 0 ? "warmup=" + (i + plan.warmup()) : "run=" + i;
        Run run = once();
        System.out.printf(
            "W5 N=%d %s killed after %d of %d results committed (%.0f ms in) ready=%.0f ms"
                + " finish=%.0f ms restart=%.0f ms activities after restart=%d history ok"
                + " cpu server=%.2fs rss=%sMiB%n",
            plan.n(),
            label,
            plan.n() / 2,
            plan.n(),
            run.killedAfterNanos() / 1e6,
            run.readyMillis(),
            run.finishMillis(),
            run.restartMillis(),
            run.activitiesAfterRestart(),
            run.restartedCpu().toNanos() / 1e9,
            PeakRss.mebibytes(run.peakRssBytes()));
        if (i > 0) {
          measured.add(run);
        }
      }
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      failure = Optional.of(e.getMessage());
    }
    printMedians();
    return new Outcome(List.of(), failure);
  }

  /** One run: start, kill at half, restart, finish, check. */
  Run once() {
    Path store = plan.workDir().resolve("w5-" + UUID.randomUUID() + ".db");
    String instanceId = "bench-w5-" + plan.n() + "-" + UUID.randomUUID();
    int half = plan.n() / 2;
    long begin;
    long killedAfter;
    try {
      try (SchedulerProcess first = plan.launcher().start(store, READY_PATIENCE);
          SyntheticWorker holding =
              SyntheticWorker.connect(
                  List.of(first.endpoint(plan.taskHub())), plan.settings(), half)) {
        ManagedChannel channel = first.endpoint(plan.taskHub()).open();
        try {
          begin = System.nanoTime();
          start(channel, instanceId);
          awaitAcknowledged(holding, half, begin);
          first.kill();
          killedAfter = System.nanoTime() - begin;
          // The holding worker's streams fail now; that failure is the point, not checked.
        } finally {
          channel.shutdownNow();
        }
      }
      long restart = System.nanoTime();
      try (SchedulerProcess second = plan.launcher().start(store, READY_PATIENCE);
          SyntheticWorker worker =
              SyntheticWorker.connect(List.of(second.endpoint(plan.taskHub())), plan.settings())) {
        long ready = System.nanoTime();
        ManagedChannel channel = second.endpoint(plan.taskHub()).open();
        try {
          GetInstanceResponse done = awaitCompletion(channel, instanceId, second);
          long finished = System.nanoTime();
          worker
              .failure()
              .ifPresent(
                  reason -> {
                    throw new BenchException("The worker failed after the restart: " + reason);
                  });
          check(done, instanceId);
          HistoryCheck.fanOut(plan.n(), history(channel, instanceId));
          Duration cpu =
              ProcessHandle.of(second.pid())
                  .flatMap(process -> process.info().totalCpuDuration())
                  .orElse(Duration.ZERO);
          return new Run(
              plan.n(),
              killedAfter,
              ready - restart,
              finished - ready,
              worker.activitiesAnswered(),
              PeakRss.read(List.of(second.pid())),
              cpu);
        } finally {
          channel.shutdownNow();
        }
      }
    } finally {
      deleteStore(store);
    }
  }

  private void start(ManagedChannel channel, String instanceId) {
    try {
      TaskHubSidecarServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(plan.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .startInstance(
              CreateInstanceRequest.newBuilder()
                  .setInstanceId(instanceId)
                  .setName(FanOutScript.ORCHESTRATION)
                  .setInput(StringValue.of(FanOutScript.input(plan.n())))
                  .build());
    } catch (StatusRuntimeException e) {
      throw new BenchException("Starting " + instanceId + " failed: " + e.getStatus(), e);
    }
  }

  /** Waits (polling the worker's counter, 1 ms apart) until {@code count} results are committed. */
  private void awaitAcknowledged(SyntheticWorker worker, long count, long begin) {
    long deadline = begin + plan.timeout().toNanos();
    while (worker.activitiesAcknowledged() < count) {
      worker
          .failure()
          .ifPresent(
              reason -> {
                throw new BenchException("The worker failed before the kill: " + reason);
              });
      if (System.nanoTime() > deadline) {
        throw new BenchException(
            "Only "
                + worker.activitiesAcknowledged()
                + " of "
                + count
                + " results were committed within "
                + plan.timeout());
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchException("Interrupted before the kill", e);
      }
    }
  }

  private GetInstanceResponse awaitCompletion(
      ManagedChannel channel, String instanceId, SchedulerProcess scheduler) {
    try {
      return TaskHubSidecarServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(plan.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .waitForInstanceCompletion(
              GetInstanceRequest.newBuilder()
                  .setInstanceId(instanceId)
                  .setGetInputsAndOutputs(true)
                  .build());
    } catch (StatusRuntimeException e) {
      throw new BenchException(
          "Instance "
              + instanceId
              + " did not complete after the restart: "
              + e.getStatus()
              + "\nThe scheduler's last lines:\n"
              + scheduler.lastLines(),
          e);
    }
  }

  private static void check(GetInstanceResponse done, String instanceId) {
    var state = done.getOrchestrationState();
    if (!done.getExists()
        || state.getOrchestrationStatus() != OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED) {
      throw new BenchException(
          "Instance "
              + instanceId
              + " ended "
              + state.getOrchestrationStatus()
              + " after the kill");
    }
  }

  private List<HistoryEvent> history(ManagedChannel channel, String instanceId) {
    List<HistoryEvent> events = new ArrayList<>();
    try {
      TaskHubSidecarServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(plan.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .streamInstanceHistory(
              StreamInstanceHistoryRequest.newBuilder().setInstanceId(instanceId).build())
          .forEachRemaining(chunk -> events.addAll(chunk.getEventsList()));
    } catch (StatusRuntimeException e) {
      throw new BenchException("Reading the history of " + instanceId + " failed: " + e, e);
    }
    return events;
  }

  private static void deleteStore(Path store) {
    // SQLite's WAL and shared-memory files sit beside the database.
    for (String suffix : List.of("", "-wal", "-shm")) {
      try {
        Files.deleteIfExists(Path.of(store + suffix));
      } catch (IOException e) {
        System.out.println("Could not delete " + store + suffix + ": " + e.getMessage());
      }
    }
  }

  /** The measured runs so far (after {@link #run}: all that passed). */
  List<Run> measured() {
    return List.copyOf(measured);
  }

  private void printMedians() {
    if (measured.isEmpty()) {
      return;
    }
    OptionalLong peak =
        measured.stream().allMatch(run -> run.peakRssBytes().isPresent())
            ? measured.stream().mapToLong(run -> run.peakRssBytes().getAsLong()).max()
            : OptionalLong.empty();
    System.out.printf(
        "%nW5 medians (after the restart)%n%8s %6s %10s %10s %11s %15s %15s%n"
            + "%8d %6d %10.0f %10.0f %11.0f %15.0f %15s%n",
        "N",
        "runs",
        "ready ms",
        "finish ms",
        "restart ms",
        "activities",
        Medians.PEAK_HEADER,
        plan.n(),
        measured.size(),
        median(Run::readyMillis),
        median(Run::finishMillis),
        median(Run::restartMillis),
        median(run -> run.activitiesAfterRestart()),
        PeakRss.mebibytes(peak));
  }

  private double median(ToDoubleFunction<Run> value) {
    return Stats.median(measured.stream().mapToDouble(value).toArray());
  }
}
