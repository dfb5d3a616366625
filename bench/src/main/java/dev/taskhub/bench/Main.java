package dev.taskhub.bench;

import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a benchmark workload against a Durable Task endpoint with a {@link SyntheticWorker} and
 * prints one line per run and a table of medians. Exits 1 when a run fails or is wrong (the first
 * failure ends the bench), 2 on bad options.
 */
@Command(
    name = "taskhub-bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Measures a Durable Task scheduler with a synthetic protocol-level worker.")
public final class Main implements Callable<Integer> {
  /** The workloads of DESIGN.md section 7 that exist so far. */
  enum Workload {
    w1
  }

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT",
      description = "gRPC endpoint of the scheduler (plaintext). Default: ${DEFAULT-VALUE}")
  String endpoint = "localhost:8080";

  @Option(
      names = "--taskhub",
      paramLabel = "NAME",
      description = "Task hub, sent as the 'taskhub' header. Default: none (the server's default)")
  String taskHub;

  @Option(
      names = "--workload",
      description = "Workload to run: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
  Workload workload = Workload.w1;

  @Option(
      names = "--n",
      split = ",",
      paramLabel = "N",
      description = "Fan-out sizes, comma-separated. Default: 1000,10000")
  List<Integer> sizes = List.of(1000, 10000);

  @Option(names = "--runs", description = "Measured runs per N. Default: ${DEFAULT-VALUE}")
  int runs = 3;

  @Option(
      names = "--warmup",
      description =
          "Unmeasured runs at the largest N first: they connect the worker and let both JVMs"
              + " compile the hot paths. Default: ${DEFAULT-VALUE}")
  int warmup = 2;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Limit for one run (ISO-8601). Default: ${DEFAULT-VALUE}")
  Duration timeout = Duration.ofMinutes(5);

  @Option(
      names = "--streams",
      description = "GetWorkItems streams, one channel each. Default: ${DEFAULT-VALUE}")
  int streams = 1;

  @Option(
      names = "--max-orchestrations",
      description = "maxConcurrentOrchestrationWorkItems per stream. Default: ${DEFAULT-VALUE}")
  int maxOrchestrations = 32;

  @Option(
      names = "--max-activities",
      description = "maxConcurrentActivityWorkItems per stream. Default: ${DEFAULT-VALUE}")
  int maxActivities = 256;

  @Option(
      names = "--server-pid",
      paramLabel = "PID",
      description = "Scheduler process on this machine, to report its CPU time per run.")
  Long serverPid;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1) || runs < 1 || warmup < 0) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--n values and --runs must be at least 1, --warmup at least 0");
    }
    Endpoint target = new Endpoint(endpoint, taskHub);
    SyntheticWorker.Settings settings =
        new SyntheticWorker.Settings(streams, maxOrchestrations, maxActivities);
    System.out.printf(
        "%s against %s: N=%s, %d runs each (+%d warm-up), worker %d stream(s) x %d orchestrations"
            + " / %d activities%n",
        workload.name().toUpperCase(),
        target,
        sizes,
        runs,
        warmup,
        streams,
        maxOrchestrations,
        maxActivities);
    Map<Integer, List<FanOutDriver.Run>> results = new LinkedHashMap<>();
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
      printMedians(results);
      return 1;
    } finally {
      clientChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    printMedians(results);
    return 0;
  }

  private FanOutDriver.Run measure(
      FanOutDriver driver, SyntheticWorker worker, int n, String label) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    long episodesBefore = worker.orchestrationItems();
    CpuSample before = CpuSample.take(serverPid);
    FanOutDriver.Run run = driver.run(n);
    CpuSample after = CpuSample.take(serverPid);
    worker
        .failure()
        .ifPresent(
            reason -> {
              throw new BenchException("The worker failed: " + reason);
            });
    System.out.printf(
        "W1 N=%d %s wall=%.0f ms activities/s=%.0f episodes=%d%s load=%.1f%n",
        n,
        label,
        run.wallMillis(),
        run.activitiesPerSecond(),
        worker.orchestrationItems() - episodesBefore,
        after.since(before),
        load);
    return run;
  }

  private void printMedians(Map<Integer, List<FanOutDriver.Run>> results) {
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
                median(list, FanOutDriver.Run::wallMillis),
                median(list, FanOutDriver.Run::activitiesPerSecond)));
  }

  private static double median(
      List<FanOutDriver.Run> list, ToDoubleFunction<FanOutDriver.Run> value) {
    double[] sorted = list.stream().mapToDouble(value).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
