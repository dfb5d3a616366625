package dev.taskhub.bench;

import java.lang.management.ManagementFactory;

/**
 * What a result line says about the machine during one run: the 1-minute load average when it
 * started and the CPU time the bench and (when its pid is known) the scheduler used during it.
 */
record RunProbe(Long serverPid, double load, CpuSample before) {
  /** Takes the samples at the start of a run. */
  static RunProbe start(Long serverPid) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new RunProbe(serverPid, load, CpuSample.take(serverPid));
  }

  /** {@code " cpu bench=0.41s server=1.20s load=3.1"}, taken at the end of the run. */
  String finish() {
    return CpuSample.take(serverPid).since(before) + String.format(" load=%.1f", load);
  }
}
