package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.store.TestPostgres;
import dev.taskhub.server.testing.TestScheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two scheduler nodes on one PostgreSQL schema both fire the same 30 schedules every second: each
 * fire time gets exactly one run, and the runs the two nodes report having started add up to the
 * runs the schedules counted.
 */
class ScheduleTwoNodeTest {
  private static final int SCHEDULES = 30;
  private static final Pattern FIRED =
      Pattern.compile("taskhub_schedule_lag_seconds_count\\{[^}]*} (\\d+)");

  private TestScheduler nodeA;
  private TestScheduler nodeB;

  @AfterEach
  void stop() {
    nodeA.close();
    nodeB.close();
  }

  @Test
  void twoNodesStartOneRunPerFireTime() throws Exception {
    String store = TestPostgres.newSchema();
    nodeA = TestScheduler.builder().postgres(store).http().nodeLease(Duration.ofSeconds(2)).start();
    nodeB = TestScheduler.builder().postgres(store).http().nodeLease(Duration.ofSeconds(2)).start();
    ScheduleApi a = new ScheduleApi(nodeA.httpPort());
    ScheduleApi b = new ScheduleApi(nodeB.httpPort());
    for (int i = 0; i < SCHEDULES; i++) {
      a.create(
          """
          {"id": "every-second-%d", "orchestration": "Tick", "interval": "1s",
           "overlap": "allow_all", "catchUpWindow": "1h"}"""
              .formatted(i));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                StreamSupport.stream(
                        b.expect(200, "GET", "", null).get("schedules").spliterator(), false)
                    .allMatch(s -> s.get("runs").asLong() >= 5));
    for (int i = 0; i < SCHEDULES; i++) {
      b.expect(200, "POST", "/every-second-" + i + "/pause", null);
    }
    JsonNode schedules = a.expect(200, "GET", "", null).get("schedules");

    long runs =
        ScheduleLedger.assertOneRunPerFireTime(
            schedules, TestPostgres.query(store, "SELECT instance_id FROM instances"), 1_000);
    // A node counts a run just after its commit: wait for the last ones to be counted.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(fired(nodeA) + fired(nodeB)).isEqualTo(runs));
  }

  /** How many runs the node started, from its {@code /metrics}. */
  private static long fired(TestScheduler node) throws Exception {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + node.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher count = FIRED.matcher(metrics);
    return count.find() ? Long.parseLong(count.group(1)) : 0;
  }
}
