package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedBenchTest {
  @Test
  void theSeedSampleRunsItsThreeItemsInParallelAndTheOverheadIsWallOverTheSlowest(
      @TempDir Path dir) {
    try (SchedulerProcess scheduler = TestSchedulers.start(dir)) {
      SeedBench bench =
          new SeedBench(
              new SeedBench.Plan(
                  Main.connectionString(scheduler.endpoint(null)),
                  2,
                  1,
                  Duration.ofSeconds(30),
                  Duration.ofMillis(400),
                  Duration.ofMillis(500),
                  TestSchedulers.unmeasured()));

      Outcome outcome = bench.run();

      assertEquals(java.util.Optional.empty(), outcome.failure());
      List<SeedBench.Run> runs = bench.measured();
      assertEquals(2, runs.size());
      for (SeedBench.Run run : runs) {
        // Each item works 400-500 ms: one after the other they would take at least 1,200 ms.
        assertTrue(run.slowestMillis() >= 400 && run.slowestMillis() < 600, run.toString());
        assertTrue(run.wallMillis() >= run.slowestMillis(), run.toString());
        assertTrue(run.wallMillis() < 1200, run.toString());
        assertEquals(run.wallMillis() - run.slowestMillis(), run.overheadMillis(), 1e-9);
      }
    }
  }
}
