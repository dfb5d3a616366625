package dev.taskhub.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Medians over the measured runs of one workload: wall time, activities/s and the CPU each process
 * group used per activity; and the highest peak RSS the scheduler nodes reached in any of the runs.
 * A CPU median or the peak is present only when every run measured it.
 *
 * @param workload what ran, e.g. {@code "W1 N=10000 worker=sdk"}
 * @param benchMillisPerActivity CPU of the bench process (with the SDK worker, for worker=sdk)
 * @param serverMillisPerActivity CPU of all scheduler nodes together
 * @param databaseMillisPerActivity CPU of the database's process tree
 * @param serverPeakRssBytes the largest of the runs' peak RSS of the scheduler nodes (summed over
 *     the nodes)
 */
record Medians(
    String workload,
    int runs,
    double wallMillis,
    double activitiesPerSecond,
    OptionalDouble benchMillisPerActivity,
    OptionalDouble serverMillisPerActivity,
    OptionalDouble databaseMillisPerActivity,
    OptionalLong serverPeakRssBytes) {

  /**
   * The medians of {@code runs}.
   *
   * @throws IllegalArgumentException if there are none
   */
  static Medians of(String workload, List<RunMetrics> runs) {
    return new Medians(
        workload,
        runs.size(),
        Stats.median(runs.stream().mapToDouble(RunMetrics::wallMillis).toArray()),
        Stats.median(runs.stream().mapToDouble(RunMetrics::activitiesPerSecond).toArray()),
        cpuMedian(runs, cpu -> Optional.of(cpu.bench())),
        cpuMedian(runs, CpuSample::servers),
        cpuMedian(runs, CpuSample::database),
        peak(runs));
  }

  private static OptionalLong peak(List<RunMetrics> runs) {
    if (runs.isEmpty() || runs.stream().anyMatch(run -> run.serverPeakRssBytes().isEmpty())) {
      return OptionalLong.empty();
    }
    return runs.stream().mapToLong(run -> run.serverPeakRssBytes().getAsLong()).max();
  }

  private static OptionalDouble cpuMedian(
      List<RunMetrics> runs, Function<CpuSample, Optional<Duration>> part) {
    List<OptionalDouble> perRun =
        runs.stream().map(run -> run.millisPerActivity(part.apply(run.cpu()))).toList();
    if (perRun.isEmpty() || perRun.stream().anyMatch(OptionalDouble::isEmpty)) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(
        Stats.median(perRun.stream().mapToDouble(OptionalDouble::getAsDouble).toArray()));
  }

  /**
   * Headers of the three CPU columns and the peak RSS column that {@link #usageColumns} fills, per
   * activity.
   */
  static String usageHeaders() {
    return usageHeaders("act");
  }

  /** Headers of the three CPU columns, per {@code unit} ({@code act}, {@code op}), and the peak. */
  static String usageHeaders(String unit) {
    return String.format(
        " %13s %13s %13s %15s",
        "bench ms/" + unit, "server ms/" + unit, "db ms/" + unit, PEAK_HEADER);
  }

  /** The CPU medians in ms per activity and the server's peak RSS, {@code -} where not measured. */
  String usageColumns() {
    return String.format(
        " %13s %13s %13s %15s",
        format(benchMillisPerActivity),
        format(serverMillisPerActivity),
        format(databaseMillisPerActivity),
        PeakRss.mebibytes(serverPeakRssBytes));
  }

  /** The peak RSS column's header. */
  static final String PEAK_HEADER = "server peak MiB";

  /** {@code 0.123}, or {@code -} when empty. */
  static String format(OptionalDouble millis) {
    return millis.isPresent() ? String.format("%.3f", millis.getAsDouble()) : "-";
  }
}
