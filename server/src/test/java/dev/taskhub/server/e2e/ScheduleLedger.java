package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the crash and cluster tests check about schedules of one interval: the runs each schedule
 * counted are exactly its instances, one per fire time, with no fire time left out between its
 * first and its last.
 */
final class ScheduleLedger {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private ScheduleLedger() {}

  /**
   * @param schedules the {@code schedules} array of the list route
   * @param instanceIds every instance id of the hub
   * @return the total of runs
   */
  static long assertOneRunPerFireTime(JsonNode schedules, List<String> instanceIds, long interval) {
    Map<String, List<Long>> fires = new HashMap<>();
    for (String id : instanceIds) {
      int dash = id.lastIndexOf('-');
      Instant at = Instant.from(ID_TIME.parse(id.substring(dash + 1)));
      fires.computeIfAbsent(id.substring(0, dash), k -> new ArrayList<>()).add(at.toEpochMilli());
    }
    long total = 0;
    for (JsonNode schedule : schedules) {
      String scheduleId = schedule.get("id").asText();
      List<Long> times = fires.getOrDefault(scheduleId, List.of()).stream().sorted().toList();
      long runs = schedule.get("runs").asLong();
      assertThat(times).as("runs of %s", scheduleId).hasSize((int) runs);
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.get(i) - times.get(i - 1))
            .as("fire times of %s around %s", scheduleId, Instant.ofEpochMilli(times.get(i)))
            .isEqualTo(interval);
      }
      assertThat(schedule.get("lastRunAt").asText())
          .isEqualTo(Instant.ofEpochMilli(times.getLast()).toString());
      total += runs;
    }
    return total;
  }
}
