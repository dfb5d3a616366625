package dev.taskhub.bench;

import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * W1-W3 through the Taskhub SDK: a {@link TaskhubWorker} hosts {@link SdkApp} in this process and
 * an {@link SdkDriver} starts and checks the orchestrations. Each workload gets {@code warmup}
 * unmeasured runs (W1 at the largest N), then {@code runs} measured runs; every run prints one line
 * tagged {@code worker=sdk}, and a table of medians per workload follows at the end.
 */
final class SdkBench {
  /**
   * What to run.
   *
   * @param workloads some of w1, w2, w3; run in that order
   * @param sizes W1 fan-out sizes
   * @param batchInstances W2 orchestrations started at once
   * @param sequentialInstances W3 orchestrations run one after the other
   * @param maxOrchestrations worker limit, or null for the SDK default
   * @param maxActivities worker limit, or null for the SDK default
   * @param serverPid the scheduler's pid when it runs on this machine, else null
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
      Long serverPid) {}

  private final Endpoint target;
  private final Plan plan;
  private final Map<Integer, List<FanOutDriver.Run>> fanOuts = new LinkedHashMap<>();
  private final List<SdkDriver.BatchRun> batches = new ArrayList<>();
  private final List<SdkDriver.SequenceRun> sequences = new ArrayList<>();
  private TaskhubWorker worker;

  SdkBench(Endpoint target, Plan plan) {
    this.target = target;
    this.plan = plan;
  }

  /** Runs the plan and prints the results; returns the exit status (0, or 1 on a failure). */
  int run() throws InterruptedException {
    // The SDK always names a hub; "default" is the scheduler's default hub.
    String hub =
        target.taskHub() == null || target.taskHub().isEmpty() ? "default" : target.taskHub();
    String connection =
        "Endpoint=http://" + target.target() + ";Authentication=None;TaskHub=" + hub;
    List<String> what = new ArrayList<>();
    if (plan.workloads().contains(Main.Workload.w1)) {
      what.add("W1 N=" + plan.sizes());
    }
    if (plan.workloads().contains(Main.Workload.w2)) {
      what.add("W2 " + plan.batchInstances() + " instances");
    }
    if (plan.workloads().contains(Main.Workload.w3)) {
      what.add("W3 " + plan.sequentialInstances() + " instances");
    }
    System.out.printf(
        "SDK worker against %s (task hub %s): %s; %d runs each (+%d warm-up); worker limits %s"
            + " orchestrations / %s activities%n",
        target.target(),
        hub,
        String.join(", ", what),
        plan.runs(),
        plan.warmup(),
        plan.maxOrchestrations() == null ? "SDK default" : plan.maxOrchestrations(),
        plan.maxActivities() == null ? "SDK default" : plan.maxActivities());
    worker = SdkApp.worker(connection, plan.maxOrchestrations(), plan.maxActivities()).start();
    try (TaskhubClient client = TaskhubClient.fromConnectionString(connection)) {
      SdkDriver driver = new SdkDriver(client, plan.timeout());
      if (plan.workloads().contains(Main.Workload.w1)) {
        runW1(driver);
      }
      if (plan.workloads().contains(Main.Workload.w2)) {
        runW2(driver);
      }
      if (plan.workloads().contains(Main.Workload.w3)) {
        runW3(driver);
      }
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      printMedians();
      return 1;
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
    printMedians();
    return 0;
  }

  private void runW1(SdkDriver driver) {
    int largest = Collections.max(plan.sizes());
    for (int i = 1; i <= plan.warmup(); i++) {
      fanOut(driver, largest, "warmup=" + i);
    }
    for (int n : plan.sizes()) {
      for (int run = 1; run <= plan.runs(); run++) {
        FanOutDriver.Run result = fanOut(driver, n, "run=" + run);
        fanOuts.computeIfAbsent(n, k -> new ArrayList<>()).add(result);
      }
    }
  }

  private FanOutDriver.Run fanOut(SdkDriver driver, int n, String label) {
    long episodes = episodes();
    RunProbe probe = RunProbe.start(plan.serverPid());
    FanOutDriver.Run run = driver.fanOut(n);
    System.out.printf(
        "W1 worker=sdk N=%d %s wall=%.0f ms activities/s=%.0f episodes=%d%s%n",
        n,
        label,
        run.wallMillis(),
        run.activitiesPerSecond(),
        episodes() - episodes,
        probe.finish());
    return run;
  }

  private void runW2(SdkDriver driver) throws InterruptedException {
    for (int i = 1 - plan.warmup(); i <= plan.runs(); i++) {
      String label = i <= 0 ? "warmup=" + (i + plan.warmup()) : "run=" + i;
      long episodes = episodes();
      RunProbe probe = RunProbe.start(plan.serverPid());
      SdkDriver.BatchRun run = driver.manyAtOnce(plan.batchInstances());
      System.out.printf(
          "W2 worker=sdk instances=%d %s wall=%.0f ms orchestrations/s=%.0f episodes=%d%s%n",
          run.instances(),
          label,
          run.wallMillis(),
          run.orchestrationsPerSecond(),
          episodes() - episodes,
          probe.finish());
      if (i > 0) {
        batches.add(run);
      }
    }
  }

  private void runW3(SdkDriver driver) {
    for (int i = 1 - plan.warmup(); i <= plan.runs(); i++) {
      String label = i <= 0 ? "warmup=" + (i + plan.warmup()) : "run=" + i;
      long episodes = episodes();
      RunProbe probe = RunProbe.start(plan.serverPid());
      SdkDriver.SequenceRun run = driver.sequential(plan.sequentialInstances());
      System.out.printf(
          "W3 worker=sdk instances=%d %s p50=%.1f ms p99=%.1f ms wall=%.0f ms episodes=%d%s%n",
          run.instances(),
          label,
          run.p50Millis(),
          run.p99Millis(),
          run.wallMillis(),
          episodes() - episodes,
          probe.finish());
      if (i > 0) {
        sequences.add(run);
      }
    }
  }

  private long episodes() {
    return worker.replayStatistics().episodes();
  }

  private void printMedians() {
    if (!fanOuts.isEmpty()) {
      System.out.printf(
          "%nW1 medians worker=sdk%n%8s %6s %10s %14s%n", "N", "runs", "wall ms", "activities/s");
      fanOuts.forEach(
          (n, list) ->
              System.out.printf(
                  "%8d %6d %10.0f %14.0f%n",
                  n,
                  list.size(),
                  median(list, FanOutDriver.Run::wallMillis),
                  median(list, FanOutDriver.Run::activitiesPerSecond)));
    }
    if (!batches.isEmpty()) {
      System.out.printf(
          "%nW2 medians worker=sdk%n%9s %6s %10s %16s%n%9d %6d %10.0f %16.0f%n",
          "instances",
          "runs",
          "wall ms",
          "orchestrations/s",
          plan.batchInstances(),
          batches.size(),
          median(batches, SdkDriver.BatchRun::wallMillis),
          median(batches, SdkDriver.BatchRun::orchestrationsPerSecond));
    }
    if (!sequences.isEmpty()) {
      System.out.printf(
          "%nW3 medians worker=sdk%n%9s %6s %10s %10s%n%9d %6d %10.1f %10.1f%n",
          "instances",
          "runs",
          "p50 ms",
          "p99 ms",
          plan.sequentialInstances(),
          sequences.size(),
          median(sequences, SdkDriver.SequenceRun::p50Millis),
          median(sequences, SdkDriver.SequenceRun::p99Millis));
    }
  }

  private static <T> double median(List<T> runs, ToDoubleFunction<T> value) {
    return Stats.median(runs.stream().mapToDouble(value).toArray());
  }
}
