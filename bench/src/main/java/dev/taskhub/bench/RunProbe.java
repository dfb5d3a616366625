package dev.taskhub.bench;

import java.lang.management.ManagementFactory;

/**
 * What a result line says about the machine during one run: the 1-minute load average when it
 * started and the CPU time the bench, the scheduler nodes and the database (those whose pids are
 * known) used during it.
 */
record RunProbe(CpuSample.Processes processes, double load, CpuSample before) {
  /** Takes the samples at the start of a run. */
  static RunProbe start(CpuSample.Processes processes) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new RunProbe(processes, load, CpuSample.take(processes));
  }

  /** The CPU used since {@link #start}. */
  CpuSample finish() {
    return CpuSample.take(processes).since(before);
  }

  /** {@code " cpu bench=0.41s server=1.20s db=0.83s load=3.1"}, for the CPU a run used. */
  String describe(CpuSample used) {
    return used.describe() + String.format(" load=%.1f", load);
  }
}
