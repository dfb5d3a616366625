package dev.taskhub.bench;

import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * W1-W3 and E1-E3 through the Taskhub SDK: a {@link TaskhubWorker} hosts {@link SdkApp} in this
 * process and an {@link SdkDriver} starts and checks the orchestrations ({@link EntityBench} and
 * its {@link EntityDriver} the entity workloads). Each workload gets {@code warmup} unmeasured runs
 * (W1 at the largest N), then {@code runs} measured runs; every run prints one line tagged {@code
 * worker=sdk}, and a table of medians per workload follows at the end. With several endpoints (the
 * nodes of a cluster) there is one worker and one client per endpoint, and the driver starts
 * orchestrations on each client in turn.
 */
final class SdkBench {
  /**
   * What to run.
   *
   * @param workloads some of w1, w2, w3, e1, e2, e3; run in that order
   * @param sizes W1 fan-out sizes
   * @param batchInstances W2 orchestrations started at once
   * @param sequentialInstances W3 orchestrations run one after the other
   * @param maxOrchestrations worker limit, or null for the SDK default
   * @param maxActivities worker limit, or null for the SDK default
   * @param maxEntities worker limit (entity batches at once), or null for the SDK default
   * @param workItemFilters whether the worker sends work-item filters for what it hosts
   * @param filteredNames W2's orchestration names, each hosted by a filtered worker of its own
   *     beside the unfiltered one (0: one name)
   * @param entitySizes E1-E3's sizes
   * @param measured the processes whose CPU each run reports, besides the bench's
   */
  record Plan(
      Set<Main.Workload> workloads,
      List<Integer> sizes,
      int batchInstances,
      int sequentialInstances,
      int runs,
      int warmup,
      Duration timeout,
      Integer maxOrchestrations,
      Integer maxActivities,
      Integer maxEntities,
      boolean workItemFilters,
      int filteredNames,
      EntityBench.Sizes entitySizes,
      CpuSample.Processes measured) {}

  /** How this worker's lines and medians are told from the synthetic worker's. */
  private static final String SDK_TAG = " worker=sdk";

  private final List<Endpoint> targets;
  private final Plan plan;
  private final Map<Integer, List<RunMetrics>> fanOuts = new LinkedHashMap<>();
  private final List<RunMetrics> batches = new ArrayList<>();
  private final List<SdkDriver.SequenceRun> sequences = new ArrayList<>();
  private final List<RunMetrics> sequenceUsage = new ArrayList<>();
  private final List<TaskhubWorker> workers = new ArrayList<>();
  private final CounterTargets counterTargets = new CounterTargets();

  SdkBench(List<Endpoint> targets, Plan plan) {
    this.targets = List.copyOf(targets);
    this.plan = plan;
  }

  /** Runs the plan and prints the results; the outcome ends at the first failure. */
  Outcome run() throws InterruptedException {
    // The SDK always names a hub; "default" is the scheduler's default hub.
    String taskHub = targets.getFirst().taskHub();
    String hub = taskHub == null || taskHub.isEmpty() ? "default" : taskHub;
    List<String> connections =
        targets.stream()
            .map(
                target ->
                    "Endpoint=http://" + target.target() + ";Authentication=None;TaskHub=" + hub)
            .toList();
    List<String> what = new ArrayList<>();
    if (plan.workloads().contains(Main.Workload.w1)) {
      what.add("W1 N=" + plan.sizes());
    }
    if (plan.workloads().contains(Main.Workload.w2)) {
      what.add(
          "W2 "
              + plan.batchInstances()
              + " instances"
              + (plan.filteredNames() == 0
                  ? ""
                  : " over "
                      + plan.filteredNames()
                      + " names, each with a filtered worker, beside one unfiltered worker"));
    }
    if (plan.workloads().contains(Main.Workload.w3)) {
      what.add("W3 " + plan.sequentialInstances() + " instances");
    }
    EntityBench.Sizes sizes = plan.entitySizes();
    if (plan.workloads().contains(Main.Workload.e1)) {
      what.add("E1 " + sizes.e1Signals() + " signals to 1 entity");
    }
    if (plan.workloads().contains(Main.Workload.e2)) {
      what.add("E2 " + sizes.e2Signals() + " signals to " + sizes.e2Entities() + " entities");
    }
    if (plan.workloads().contains(Main.Workload.e3)) {
      what.add(
          "E3 " + sizes.e3Instances() + " instances calling " + sizes.e3Entities() + " entities");
    }
    System.out.printf(
        "SDK worker (work-item filters %s) against %s (task hub %s): %s; %d runs each (+%d warm-up); worker limits %s"
            + " orchestrations / %s activities / %s entities%s%n",
        plan.filteredNames() > 0 ? "off" : plan.workItemFilters() ? "on" : "off",
        String.join(", ", targets.stream().map(Endpoint::target).toList()),
        hub,
        String.join(", ", what),
        plan.runs(),
        plan.warmup(),
        plan.maxOrchestrations() == null ? "SDK default" : plan.maxOrchestrations(),
        plan.maxActivities() == null ? "SDK default" : plan.maxActivities(),
        plan.maxEntities() == null ? "SDK default" : plan.maxEntities(),
        targets.size() == 1 ? "" : " (one worker per endpoint)");
    List<TaskhubClient> clients = new ArrayList<>();
    Optional<String> failure = Optional.empty();
    EntityBench entities = null;
    try {
      for (String connection : connections) {
        workers.add(
            SdkApp.worker(
                    connection,
                    plan.maxOrchestrations(),
                    plan.maxActivities(),
                    plan.maxEntities(),
                    plan.workItemFilters(),
                    plan.filteredNames(),
                    counterTargets)
                .start());
        for (int k = 0; k < plan.filteredNames(); k++) {
          workers.add(SdkApp.filteredWorker(connection, k).start());
        }
        clients.add(TaskhubClient.fromConnectionString(connection));
      }
      SdkDriver driver = new SdkDriver(clients, plan.timeout(), plan.filteredNames());
      if (plan.workloads().contains(Main.Workload.w1)) {
        runW1(driver);
      }
      if (plan.workloads().contains(Main.Workload.w2)) {
        runW2(driver);
      }
      if (plan.workloads().contains(Main.Workload.w3)) {
        runW3(driver);
      }
      entities =
          new EntityBench(
              new EntityDriver(clients, plan.timeout(), counterTargets),
              counterTargets,
              this::episodes,
              plan.runs(),
              plan.warmup(),
              plan.measured());
      entities.run(plan.workloads(), sizes);
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      failure = Optional.of(e.getMessage());
    } finally {
      clients.forEach(TaskhubClient::close);
      workers.forEach(worker -> worker.stop(Duration.ofSeconds(5)));
    }
    Map<Integer, Medians> fanOutMedians = new LinkedHashMap<>();
    fanOuts.forEach((n, runs) -> fanOutMedians.put(n, Medians.of("W1 N=" + n + SDK_TAG, runs)));
    List<Medians> medians = new ArrayList<>(fanOutMedians.values());
    Optional<Medians> batchMedians =
        batches.isEmpty()
            ? Optional.empty()
            : Optional.of(Medians.of("W2 instances=" + plan.batchInstances() + SDK_TAG, batches));
    batchMedians.ifPresent(medians::add);
    printMedians(fanOutMedians, batchMedians);
    if (entities != null) {
      medians.addAll(entities.medians());
      entities.printMedians();
    }
    return new Outcome(medians, failure);
  }

  private void runW1(SdkDriver driver) {
    int largest = Collections.max(plan.sizes());
    for (int i = 1; i <= plan.warmup(); i++) {
      fanOut(driver, largest, "warmup=" + i);
    }
    for (int n : plan.sizes()) {
      for (int run = 1; run <= plan.runs(); run++) {
        RunMetrics result = fanOut(driver, n, "run=" + run);
        fanOuts.computeIfAbsent(n, k -> new ArrayList<>()).add(result);
      }
    }
  }

  private RunMetrics fanOut(SdkDriver driver, int n, String label) {
    long episodes = episodes();
    RunProbe probe = RunProbe.start(plan.measured());
    FanOutDriver.Run run = driver.fanOut(n);
    CpuSample used = probe.finish();
    System.out.printf(
        "W1 worker=sdk N=%d %s wall=%.0f ms activities/s=%.0f episodes=%d%s%n",
        n,
        label,
        run.wallMillis(),
        run.activitiesPerSecond(),
        episodes() - episodes,
        probe.describe(used));
    return new RunMetrics(run.wallNanos(), n, used, probe);
  }

  private void runW2(SdkDriver driver) throws InterruptedException {
    for (int i = 1 - plan.warmup(); i <= plan.runs(); i++) {
      String label = i <= 0 ? "warmup=" + (i + plan.warmup()) : "run=" + i;
      long episodes = episodes();
      RunProbe probe = RunProbe.start(plan.measured());
      SdkDriver.BatchRun run = driver.manyAtOnce(plan.batchInstances());
      CpuSample used = probe.finish();
      System.out.printf(
          "W2 worker=sdk instances=%d %s wall=%.0f ms orchestrations/s=%.0f episodes=%d%s%n",
          run.instances(),
          label,
          run.wallMillis(),
          run.orchestrationsPerSecond(),
          episodes() - episodes,
          probe.describe(used));
      if (i > 0) {
        batches.add(
            new RunMetrics(
                run.wallNanos(), (long) SdkDriver.W2_FAN_OUT * run.instances(), used, probe));
      }
    }
  }

  private void runW3(SdkDriver driver) {
    for (int i = 1 - plan.warmup(); i <= plan.runs(); i++) {
      String label = i <= 0 ? "warmup=" + (i + plan.warmup()) : "run=" + i;
      long episodes = episodes();
      RunProbe probe = RunProbe.start(plan.measured());
      SdkDriver.SequenceRun run = driver.sequential(plan.sequentialInstances());
      CpuSample used = probe.finish();
      System.out.printf(
          "W3 worker=sdk instances=%d %s p50=%.1f ms p99=%.1f ms wall=%.0f ms episodes=%d%s%n",
          run.instances(),
          label,
          run.p50Millis(),
          run.p99Millis(),
          run.wallMillis(),
          episodes() - episodes,
          probe.describe(used));
      if (i > 0) {
        sequences.add(run);
        sequenceUsage.add(new RunMetrics(run.wallNanos(), run.instances(), used, probe));
      }
    }
  }

  private long episodes() {
    return workers.stream().mapToLong(worker -> worker.replayStatistics().episodes()).sum();
  }

  private void printMedians(Map<Integer, Medians> fanOutMedians, Optional<Medians> batchMedians) {
    if (!fanOutMedians.isEmpty()) {
      System.out.printf(
          "%nW1 medians worker=sdk%n%8s %6s %10s %14s%s%n",
          "N", "runs", "wall ms", "activities/s", Medians.usageHeaders());
      fanOutMedians.forEach(
          (n, row) ->
              System.out.printf(
                  "%8d %6d %10.0f %14.0f%s%n",
                  n, row.runs(), row.wallMillis(), row.activitiesPerSecond(), row.usageColumns()));
    }
    if (batchMedians.isPresent()) {
      Medians row = batchMedians.get();
      System.out.printf(
          "%nW2 medians worker=sdk%n%9s %6s %10s %16s%s%n%9d %6d %10.0f %16.0f%s%n",
          "instances",
          "runs",
          "wall ms",
          "orchestrations/s",
          Medians.usageHeaders(),
          plan.batchInstances(),
          row.runs(),
          row.wallMillis(),
          median(batches, run -> plan.batchInstances() / (run.wallNanos() / 1e9)),
          row.usageColumns());
    }
    if (!sequences.isEmpty()) {
      System.out.printf(
          "%nW3 medians worker=sdk%n%9s %6s %10s %10s %15s%n%9d %6d %10.1f %10.1f %15s%n",
          "instances",
          "runs",
          "p50 ms",
          "p99 ms",
          Medians.PEAK_HEADER,
          plan.sequentialInstances(),
          sequences.size(),
          median(sequences, SdkDriver.SequenceRun::p50Millis),
          median(sequences, SdkDriver.SequenceRun::p99Millis),
          PeakRss.mebibytes(Medians.of("W3", sequenceUsage).serverPeakRssBytes()));
    }
  }

  private static <T> double median(List<T> runs, ToDoubleFunction<T> value) {
    return Stats.median(runs.stream().mapToDouble(value).toArray());
  }
}
