package dev.taskhub.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CPU time used by the bench process, by the scheduler nodes (summed) and by the database (its
 * whole process tree), either so far (from {@link #take}) or between two samples (from {@link
 * #since}). On a machine shared by all of them, the difference of two samples shows where a run's
 * CPU went.
 *
 * @param servers empty when no scheduler pid was given, or one of them is gone or unreadable
 * @param database empty when no database pid was given, or it is gone or unreadable
 */
record CpuSample(Duration bench, Optional<Duration> servers, Optional<Duration> database) {
  /**
   * The processes a run's CPU is measured on, besides the bench's own.
   *
   * @param servers the scheduler nodes' pids (on this machine); may be empty
   * @param database the PostgreSQL postmaster's pid (its children are counted with it), or null
   */
  record Processes(List<Long> servers, Long database) {
    Processes {
      servers = List.copyOf(servers);
    }
  }

  static CpuSample take(Processes processes) {
    Duration bench = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    return new CpuSample(bench, serversCpu(processes.servers()), databaseCpu(processes.database()));
  }

  private static Optional<Duration> serversCpu(List<Long> pids) {
    if (pids.isEmpty()) {
      return Optional.empty();
    }
    List<Duration> each = new ArrayList<>();
    for (long pid : pids) {
      Optional<Duration> cpu =
          ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration());
      if (cpu.isEmpty()) {
        return Optional.empty();
      }
      each.add(cpu.get());
    }
    return Optional.of(each.stream().reduce(Duration.ZERO, Duration::plus));
  }

  private static Optional<Duration> databaseCpu(Long pid) {
    return pid == null ? Optional.empty() : ProcStat.treeCpu(pid);
  }

  /** The CPU used between {@code earlier} and this sample. */
  CpuSample since(CpuSample earlier) {
    return new CpuSample(
        bench.minus(earlier.bench),
        difference(servers, earlier.servers),
        difference(database, earlier.database));
  }

  private static Optional<Duration> difference(Optional<Duration> later, Optional<Duration> early) {
    return later.isPresent() && early.isPresent()
        ? Optional.of(later.get().minus(early.get()))
        : Optional.empty();
  }

  /** {@code " cpu bench=0.41s server=1.20s db=0.83s"}, leaving out what was not measured. */
  String describe() {
    StringBuilder text = new StringBuilder(" cpu bench=").append(seconds(bench)).append('s');
    servers.ifPresent(cpu -> text.append(" server=").append(seconds(cpu)).append('s'));
    database.ifPresent(cpu -> text.append(" db=").append(seconds(cpu)).append('s'));
    return text.toString();
  }

  private static String seconds(Duration duration) {
    return String.format("%.2f", duration.toNanos() / 1e9);
  }
}
