package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashBenchTest {
  @Test
  void afterAKillAtHalfTheRestartedSchedulerRunsOnlyTheLostHalfAndTheAggregate(@TempDir Path dir)
      throws Exception {
    int n = 40;
    CrashBench bench =
        new CrashBench(
            new CrashBench.Plan(
                n,
                1,
                0,
                Duration.ofSeconds(30),
                null,
                TestSchedulers.settings(),
                TestSchedulers.launcher(),
                dir));

    Outcome outcome = bench.run();

    assertEquals(Optional.empty(), outcome.failure());
    CrashBench.Run run = bench.measured().getFirst();
    // The first half was committed before the kill: only the held half and the aggregate run
    // again, and the history holds each result once (CrashBench checks it, or the run fails).
    assertEquals(n / 2 + 1, run.activitiesAfterRestart());
    assertTrue(run.readyNanos() > 0 && run.finishNanos() > 0, run.toString());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "the run deletes its SQLite files");
    }
  }
}
