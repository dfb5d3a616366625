package dev.taskhub.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * E1-E3 through the Taskhub SDK, run by {@link SdkBench} beside W1-W3 with its worker and clients:
 * each workload gets the warm-up runs, then the measured runs, one line each tagged {@code
 * worker=sdk}; {@link #printMedians} prints a table per workload. Throughput and CPU are per
 * operation: a signal (E1, E2) or an orchestration with its entity call (E3).
 */
final class EntityBench {
  /**
   * The sizes of the entity workloads.
   *
   * @param e1Signals signals to one counter
   * @param e2Signals signals spread over {@code e2Entities} counters
   * @param e3Instances orchestrations started at once, each calling one of {@code e3Entities}
   *     counters
   */
  record Sizes(int e1Signals, int e2Signals, int e2Entities, int e3Instances, int e3Entities) {}

  /** One entity workload: what it sends, to how many counters, and how its rate is named. */
  private record Shape(String name, String sent, int count, int entities, String rate) {
    String label() {
      return name + " " + sent + "=" + count + " entities=" + entities;
    }
  }

  /** A driver call: one checked run of a workload. */
  @FunctionalInterface
  private interface Body {
    EntityDriver.Run run(Shape shape) throws InterruptedException;
  }

  private static final String SDK_TAG = " worker=sdk";

  private final EntityDriver driver;
  private final CounterTargets targets;
  private final LongSupplier episodes;
  private final int runs;
  private final int warmup;
  private final CpuSample.Processes measured;
  private final Map<Shape, List<RunMetrics>> results = new LinkedHashMap<>();

  /**
   * @param episodes the orchestration episodes the bench's workers have run so far
   */
  EntityBench(
      EntityDriver driver,
      CounterTargets targets,
      LongSupplier episodes,
      int runs,
      int warmup,
      CpuSample.Processes measured) {
    this.driver = driver;
    this.targets = targets;
    this.episodes = episodes;
    this.runs = runs;
    this.warmup = warmup;
    this.measured = measured;
  }

  /**
   * Runs the chosen entity workloads, in order E1, E2, E3.
   *
   * @throws BenchException at the first run that fails or is wrong
   */
  void run(Set<Main.Workload> workloads, Sizes sizes) throws InterruptedException {
    if (workloads.contains(Main.Workload.e1)) {
      repeat(
          new Shape("E1", "signals", sizes.e1Signals(), 1, "signals/s"),
          shape -> driver.signals(shape.name(), shape.count(), shape.entities()));
    }
    if (workloads.contains(Main.Workload.e2)) {
      repeat(
          new Shape("E2", "signals", sizes.e2Signals(), sizes.e2Entities(), "signals/s"),
          shape -> driver.signals(shape.name(), shape.count(), shape.entities()));
    }
    if (workloads.contains(Main.Workload.e3)) {
      repeat(
          new Shape("E3", "instances", sizes.e3Instances(), sizes.e3Entities(), "orchestrations/s"),
          shape -> driver.calls(shape.name(), shape.count(), shape.entities()));
    }
  }

  private void repeat(Shape shape, Body body) throws InterruptedException {
    for (int i = 1 - warmup; i <= runs; i++) {
      String label = i <= 0 ? "warmup=" + (i + warmup) : "run=" + i;
      long episodesBefore = episodes.getAsLong();
      long batchesBefore = targets.batches();
      RunProbe probe = RunProbe.start(measured);
      EntityDriver.Run run = body.run(shape);
      CpuSample used = probe.finish();
      String sent =
          run.sentNanos() == run.wallNanos()
              ? ""
              : String.format(" sent=%.0f ms", run.sentNanos() / 1e6);
      System.out.printf(
          "%s worker=sdk %s=%d entities=%d %s wall=%.0f ms %s=%.0f%s batches=%d episodes=%d%s%n",
          shape.name(),
          shape.sent(),
          shape.count(),
          shape.entities(),
          label,
          run.wallMillis(),
          shape.rate(),
          run.operationsPerSecond(),
          sent,
          targets.batches() - batchesBefore,
          episodes.getAsLong() - episodesBefore,
          probe.describe(used));
      if (i > 0) {
        results
            .computeIfAbsent(shape, k -> new ArrayList<>())
            .add(new RunMetrics(run.wallNanos(), run.operations(), used, probe));
      }
    }
  }

  /** The medians of each workload that has measured runs, as the comparison records them. */
  List<Medians> medians() {
    List<Medians> medians = new ArrayList<>();
    results.forEach(
        (shape, measured) -> medians.add(Medians.of(shape.label() + SDK_TAG, measured)));
    return medians;
  }

  /** A table of medians per workload, for the runs that passed. */
  void printMedians() {
    results.forEach(
        (shape, measured) -> {
          Medians row = Medians.of(shape.label() + SDK_TAG, measured);
          System.out.printf(
              "%n%s medians worker=sdk%n%9s %8s %6s %10s %16s%s%n%9d %8d %6d %10.0f %16.0f%s%n",
              shape.name(),
              shape.sent(),
              "entities",
              "runs",
              "wall ms",
              shape.rate(),
              Medians.usageHeaders("op"),
              shape.count(),
              shape.entities(),
              row.runs(),
              row.wallMillis(),
              row.activitiesPerSecond(),
              row.usageColumns());
        });
  }
}
