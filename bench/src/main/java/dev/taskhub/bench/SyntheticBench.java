package dev.taskhub.bench;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * W1 with the {@link SyntheticWorker}: warm-up runs at the largest N, then {@code runs} measured
 * runs per N, one result line each, then a table of medians.
 */
final class SyntheticBench {
  private final Endpoint target;
  private final SyntheticWorker.Settings settings;
  private final List<Integer> sizes;
  private final int runs;
  private final int warmup;
  private final Duration timeout;
  private final Long serverPid;
  private final Map<Integer, List<FanOutDriver.Run>> results = new LinkedHashMap<>();

  SyntheticBench(
      Endpoint target,
      SyntheticWorker.Settings settings,
      List<Integer> sizes,
      int runs,
      int warmup,
      Duration timeout,
      Long serverPid) {
    this.target = target;
    this.settings = settings;
    this.sizes = sizes;
    this.runs = runs;
    this.warmup = warmup;
    this.timeout = timeout;
    this.serverPid = serverPid;
  }

  /** Runs W1 and prints the results; returns the exit status (0, or 1 on the first failure). */
  int run() throws InterruptedException {
    System.out.printf(
        "W1 against %s: N=%s, %d runs each (+%d warm-up), worker %d stream(s) x %d orchestrations"
            + " / %d activities%n",
        target,
        sizes,
        runs,
        warmup,
        settings.streams(),
        settings.maxOrchestrations(),
        settings.maxActivities());
    ManagedChannel clientChannel = target.open();
    try (SyntheticWorker worker = SyntheticWorker.connect(target, settings)) {
      FanOutDriver driver = new FanOutDriver(clientChannel, timeout);
      int largest = Collections.max(sizes);
      for (int i = 1; i <= warmup; i++) {
        measure(driver, worker, largest, "warmup=" + i);
      }
      for (int n : sizes) {
        for (int run = 1; run <= runs; run++) {
          FanOutDriver.Run result = measure(driver, worker, n, "run=" + run);
          results.computeIfAbsent(n, k -> new ArrayList<>()).add(result);
        }
      }
    } catch (BenchException e) {
      System.out.println("FAILED: " + e.getMessage());
      printMedians();
      return 1;
    } finally {
      clientChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    printMedians();
    return 0;
  }

  private FanOutDriver.Run measure(
      FanOutDriver driver, SyntheticWorker worker, int n, String label) {
    long episodesBefore = worker.orchestrationItems();
    RunProbe probe = RunProbe.start(serverPid);
    FanOutDriver.Run run = driver.run(n);
    String machine = probe.finish();
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
        machine);
    return run;
  }

  private void printMedians() {
    if (results.isEmpty()) {
      return;
    }
    System.out.printf("%nW1 medians%n%8s %6s %10s %14s%n", "N", "runs", "wall ms", "activities/s");
    results.forEach(
        (n, list) ->
            System.out.printf(
                "%8d %6d %10.0f %14.0f%n",
                n,
                list.size(),
                Stats.median(list.stream().mapToDouble(FanOutDriver.Run::wallMillis).toArray()),
                Stats.median(
                    list.stream().mapToDouble(FanOutDriver.Run::activitiesPerSecond).toArray())));
  }
}
