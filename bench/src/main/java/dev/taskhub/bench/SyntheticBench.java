package dev.taskhub.bench;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * W1 with the {@link SyntheticWorker}: warm-up runs at the largest N, then {@code runs} measured
 * runs per N, one result line each, then a table of medians. With several endpoints, run k starts
 * its orchestration on endpoint k modulo their number.
 */
final class SyntheticBench {
  private final List<Endpoint> targets;
  private final SyntheticWorker.Settings settings;
  private final List<Integer> sizes;
  private final int runs;
  private final int warmup;
  private final Duration timeout;
  private final CpuSample.Processes measured;
  private final Map<Integer, List<RunMetrics>> results = new LinkedHashMap<>();
  private int started;

  SyntheticBench(
      List<Endpoint> targets,
      SyntheticWorker.Settings settings,
      List<Integer> sizes,
      int runs,
      int warmup,
      Duration timeout,
      CpuSample.Processes measured) {
    this.targets = List.copyOf(targets);
    this.settings = settings;
    this.sizes = sizes;
    this.runs = runs;
    this.warmup = warmup;
    this.timeout = timeout;
    this.measured = measured;
  }

  /** Runs W1 and prints the results; the outcome ends at the first failure. */
  Outcome run() throws InterruptedException {
    System.out.printf(
        "W1 against %s: N=%s, %d runs each (+%d warm-up), worker %d stream(s) x %d orchestrations"
            + " / %d activities%n",
        targets.size() == 1 ? targets.getFirst() : targets,
        sizes,
        runs,
        warmup,
        settings.streams(),
        settings.maxOrchestrations(),
        settings.maxActivities());
    List<ManagedChannel> clientChannels = targets.stream().map(Endpoint::open).toList();
    List<FanOutDriver> drivers =
        clientChannels.stream().map(channel -> new FanOutDriver(channel, timeout)).toList();
    Optional<String> failure = Optional.empty();
    try (SyntheticWorker worker = SyntheticWorker.connect(targets, settings)) {
      int largest = Collections.max(sizes);
      for (int i = 1; i <= warmup; i++) {
        measure(drivers, worker, largest, "warmup=" + i);
      }
      for (int n : sizes) {
        for (int run = 1; run <= runs; run++) {
          RunMetrics result = measure(drivers, worker, n, "run=" + run);
          results.computeIfAbsent(n, k -> new ArrayList<>()).add(result);
        }
      }
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      failure = Optional.of(e.getMessage());
    } finally {
      for (ManagedChannel channel : clientChannels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    Map<Integer, Medians> medians = new LinkedHashMap<>();
    results.forEach((n, list) -> medians.put(n, Medians.of("W1 N=" + n, list)));
    printMedians(medians);
    return new Outcome(List.copyOf(medians.values()), failure);
  }

  private RunMetrics measure(
      List<FanOutDriver> drivers, SyntheticWorker worker, int n, String label) {
    FanOutDriver driver = drivers.get(started++ % drivers.size());
    long episodesBefore = worker.orchestrationItems();
    RunProbe probe = RunProbe.start(measured);
    FanOutDriver.Run run = driver.run(n);
    CpuSample used = probe.finish();
    worker
        .failure()
        .ifPresent(
            reason -> {
              throw new BenchException("The worker failed: " + reason);
            });
    System.out.printf(
        "W1 N=%d %s wall=%.0f ms activities/s=%.0f episodes=%d%s%n",
        n,
        label,
        run.wallMillis(),
        run.activitiesPerSecond(),
        worker.orchestrationItems() - episodesBefore,
        probe.describe(used));
    return new RunMetrics(run.wallNanos(), n, used, probe);
  }

  private static void printMedians(Map<Integer, Medians> medians) {
    if (medians.isEmpty()) {
      return;
    }
    System.out.printf(
        "%nW1 medians%n%8s %6s %10s %14s%s%n",
        "N", "runs", "wall ms", "activities/s", Medians.usageHeaders());
    medians.forEach(
        (n, row) ->
            System.out.printf(
                "%8d %6d %10.0f %14.0f%s%n",
                n, row.runs(), row.wallMillis(), row.activitiesPerSecond(), row.usageColumns()));
  }
}
