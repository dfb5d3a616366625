package dev.taskhub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreBenchTest {
  @Test
  void fillsListsFetchesTheHistoryAndPurgesEverything(@TempDir Path dir) throws Exception {
    try (SchedulerProcess scheduler = TestSchedulers.start(dir)) {
      Endpoint target = scheduler.endpoint(null);
      StoreBench bench =
          new StoreBench(
              target,
              Main.connectionString(target),
              new StoreBench.Plan(
                  300,
                  200,
                  2,
                  3,
                  Duration.ofSeconds(30),
                  new SyntheticWorker.Settings(1, 64, 256),
                  TestSchedulers.unmeasured()));

      Outcome outcome = bench.run();

      assertEquals(Optional.empty(), outcome.failure());
      StoreBench.Figures figures = bench.figures();
      assertEquals(300, figures.filled());
      assertTrue(figures.historyEvents() >= 200, figures.toString());
      // 300 filled and the history's instance; a query afterwards found none (or the run fails).
      assertEquals(301, figures.purged());
      // Each of the 4 filters reads its first page (a page with no instance fails the run) and at
      // most 2; FAILED (30 instances) and the creation window may fit in one.
      assertTrue(figures.pages() >= 4 && figures.pages() <= 8, figures.toString());
    }
  }
}
