package dev.taskhub.bench;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Real schedulers for the workload tests: {@code taskhub serve} as a child process on a SQLite
 * file, started from the test class path (the server is a test dependency), the way {@code
 * bench/run} starts one from {@code server/target}.
 */
final class TestSchedulers {
  private TestSchedulers() {}

  /**
   * How to start one: the test class path without the bench's own classes and the seed sample (each
   * brings a logging configuration; the child must use the server's, which prints the ready line).
   */
  static SchedulerProcess.Launcher launcher() {
    String classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("bench" + File.separator + "target"))
            .filter(entry -> !entry.contains("fan-out-fan-in"))
            .collect(Collectors.joining(File.pathSeparator));
    return new SchedulerProcess.Launcher(classPath, List.of());
  }

  /** A scheduler on a new SQLite file in {@code dir}, ready. */
  static SchedulerProcess start(Path dir) {
    return launcher().start(dir.resolve("bench-test.db"), Duration.ofSeconds(60));
  }

  /** No scheduler pids: these tests check results, not CPU or memory. */
  static CpuSample.Processes unmeasured() {
    return new CpuSample.Processes(List.of(), null);
  }

  static SyntheticWorker.Settings settings() {
    return new SyntheticWorker.Settings(1, 32, 256);
  }
}
