package dev.taskhub.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Medians over the measured runs of one workload: wall time, activities/s and the CPU each process
 * group used per activity. A CPU median is present only when every run measured that CPU.
 *
 * @param workload what ran, e.g. {@code "W1 N=10000 worker=sdk"}
 * @param benchMillisPerActivity CPU of the bench process (with the SDK worker, for worker=sdk)
 * @param serverMillisPerActivity CPU of all scheduler nodes together
 * @param databaseMillisPerActivity CPU of the database's process tree
 */
record Medians(
    String workload,
    int runs,
    double wallMillis,
    double activitiesPerSecond,
    OptionalDouble benchMillisPerActivity,
    OptionalDouble serverMillisPerActivity,
    OptionalDouble databaseMillisPerActivity) {

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
        cpuMedian(runs, CpuSample::database));
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

  /** Headers of the three CPU columns that {@link #cpuColumns} fills, per activity. */
  static String cpuHeaders() {
    return cpuHeaders("act");
  }

  /** Headers of the three CPU columns, per {@code unit} ({@code act}, {@code op}). */
  static String cpuHeaders(String unit) {
    return String.format(
        " %13s %13s %13s", "bench ms/" + unit, "server ms/" + unit, "db ms/" + unit);
  }

  /** The CPU medians in ms per activity, {@code -} where not measured. */
  String cpuColumns() {
    return String.format(
        " %13s %13s %13s",
        format(benchMillisPerActivity),
        format(serverMillisPerActivity),
        format(databaseMillisPerActivity));
  }

  /** {@code 0.123}, or {@code -} when empty. */
  static String format(OptionalDouble millis) {
    return millis.isPresent() ? String.format("%.3f", millis.getAsDouble()) : "-";
  }
}
