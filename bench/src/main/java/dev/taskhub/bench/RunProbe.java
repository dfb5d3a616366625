package dev.taskhub.bench;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * What a result line says about the machine during one run: the 1-minute load average when it
 * started, the CPU time the bench, the scheduler nodes and the database (those whose pids are
 * known) used during it, and the scheduler nodes' peak resident memory ({@link PeakRss}) during it.
 */
final class RunProbe {
  private final CpuSample.Processes processes;
  private final double load;
  private final CpuSample before;
  private final boolean peakReset;
  private OptionalLong serverPeakRss = OptionalLong.empty();

  private RunProbe(CpuSample.Processes processes, double load, CpuSample before, boolean reset) {
    this.processes = processes;
    this.load = load;
    this.before = before;
    this.peakReset = reset;
  }

  /** Takes the samples at the start of a run and resets the scheduler nodes' peak RSS. */
  static RunProbe start(CpuSample.Processes processes) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    boolean reset = PeakRss.reset(processes.servers());
    return new RunProbe(processes, load, CpuSample.take(processes), reset);
  }

  /**
   * The CPU used since {@link #start}; also reads the peak RSS that {@link #serverPeakRss} gives.
   */
  CpuSample finish() {
    CpuSample used = CpuSample.take(processes).since(before);
    serverPeakRss = PeakRss.read(processes.servers());
    return used;
  }

  /**
   * The scheduler nodes' peak RSS (summed) between {@link #start} and {@link #finish}, in bytes;
   * empty before {@code finish}, when no scheduler pid is known, or when the peak could not be
   * reset (it would be the peak since the process started, which says nothing about this run).
   */
  OptionalLong serverPeakRss() {
    return peakReset ? serverPeakRss : OptionalLong.empty();
  }

  /**
   * {@code " cpu bench=0.41s server=1.20s db=0.83s rss=412MiB load=3.1"}, for the CPU a run used
   * and the scheduler's peak RSS (left out when not measured).
   */
  String describe(CpuSample used) {
    String rss =
        serverPeakRss().isPresent() ? " rss=" + PeakRss.mebibytes(serverPeakRss()) + "MiB" : "";
    return used.describe() + rss + String.format(" load=%.1f", load);
  }
}
