package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.testing.TestScheduler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler process firing 100 schedules every second on a SQLite file is SIGKILLed, which lands
 * among fires (about a hundred a second are in flight), and started again on the file: every fire
 * time got exactly one run, the ones missed while it was down included, and each schedule's count
 * of runs is its number of instances, so no fire was half written.
 */
class ScheduleKillTest {
  private static final int SCHEDULES = 100;

  @TempDir Path dir;
  private TestScheduler scheduler;

  @AfterEach
  void stop() {
    if (scheduler != null) {
      scheduler.close();
    }
  }

  private static long totalRuns(ScheduleApi api) {
    JsonNode list = api.expect(200, "GET", "", null).get("schedules");
    return StreamSupport.stream(list.spliterator(), false)
        .mapToLong(s -> s.get("runs").asLong())
        .sum();
  }

  @Test
  void aSigkilledSchedulerStartsEachFireTimeOnceAfterItsRestart() throws Exception {
    Path store = dir.resolve("taskhub.db");
    scheduler = TestScheduler.builder().sqliteFile(store).http().childProcess().start();
    ScheduleApi api = new ScheduleApi(scheduler.httpPort());
    for (int i = 0; i < SCHEDULES; i++) {
      api.create(
          """
          {"id": "every-second-%d", "orchestration": "Tick", "interval": "1s",
           "overlap": "allow_all", "catchUpWindow": "1h"}"""
              .formatted(i));
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> totalRuns(api) >= 3 * SCHEDULES);

    scheduler.kill();
    Instant killedAt = Instant.now();
    scheduler.restart();
    ScheduleApi restarted = new ScheduleApi(scheduler.httpPort());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                StreamSupport.stream(
                        restarted.expect(200, "GET", "", null).get("schedules").spliterator(),
                        false)
                    .allMatch(
                        s ->
                            Instant.parse(s.get("lastRunAt").asText())
                                .isAfter(killedAt.plusSeconds(1))));
    for (int i = 0; i < SCHEDULES; i++) {
      restarted.expect(200, "POST", "/every-second-" + i + "/pause", null);
    }
    JsonNode schedules = restarted.expect(200, "GET", "", null).get("schedules");
    scheduler.stop();

    long runs = ScheduleLedger.assertOneRunPerFireTime(schedules, instanceIds(store), 1_000);
    assertThat(runs).isGreaterThan(4L * SCHEDULES);
  }

  private static List<String> instanceIds(Path store) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + store);
        Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT instance_id FROM instances")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }
}
