package dev.taskhub.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * CPU time used so far by the bench process and, when its pid is known (same machine), by the
 * scheduler. On a machine shared by both, the difference of two samples shows where a run's CPU
 * went.
 *
 * @param server empty when no pid was given or the OS does not report it
 */
record CpuSample(Duration bench, Optional<Duration> server) {
  static CpuSample take(Long serverPid) {
    Duration bench = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    Optional<Duration> server =
        serverPid == null
            ? Optional.empty()
            : ProcessHandle.of(serverPid).flatMap(process -> process.info().totalCpuDuration());
    return new CpuSample(bench, server);
  }

  /** {@code " cpu bench=0.41s server=1.20s"}: CPU used between {@code earlier} and this sample. */
  String since(CpuSample earlier) {
    StringBuilder text =
        new StringBuilder(" cpu bench=").append(seconds(bench.minus(earlier.bench))).append('s');
    if (server.isPresent() && earlier.server.isPresent()) {
      text.append(" server=").append(seconds(server.get().minus(earlier.server.get()))).append('s');
    }
    return text.toString();
  }

  private static String seconds(Duration duration) {
    return String.format("%.2f", duration.toNanos() / 1e9);
  }
}
