package dev.taskhub.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One measured run as the tables of medians need it: wall time, the activities it fanned out (W1:
 * N; W2: 3 per instance; the aggregate activity each orchestration ends with is not counted), the
 * CPU used meanwhile and the scheduler nodes' peak RSS during it (bytes; empty when not measured).
 */
record RunMetrics(long wallNanos, long activities, CpuSample cpu, OptionalLong serverPeakRssBytes) {
  /** A run whose peak RSS was not measured. */
  RunMetrics(long wallNanos, long activities, CpuSample cpu) {
    this(wallNanos, activities, cpu, OptionalLong.empty());
  }

  /** A run measured by {@code probe} (after its {@link RunProbe#finish}). */
  RunMetrics(long wallNanos, long activities, CpuSample cpu, RunProbe probe) {
    this(wallNanos, activities, cpu, probe.serverPeakRss());
  }

  double wallMillis() {
    return wallNanos / 1e6;
  }

  double activitiesPerSecond() {
    return activities / (wallNanos / 1e9);
  }

  /** Milliseconds of CPU per activity, or empty when that CPU was not measured. */
  OptionalDouble millisPerActivity(Optional<Duration> cpu) {
    return cpu.map(used -> OptionalDouble.of(used.toNanos() / 1e6 / activities))
        .orElse(OptionalDouble.empty());
  }
}
