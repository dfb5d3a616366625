package dev.taskhub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/grafana-dashboard.json asks only for series Taskhub serves: every metric its queries name is
 * in a real scrape after a fan-out, or is one registered at its first event (an expired lease, a
 * poisoned item, a retention purge, ready work waiting).
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("..", "docs", "grafana-dashboard.json");
  private static final Set<String> REGISTERED_AT_FIRST_EVENT =
      Set.of(
          "taskhub_lease_expiries_total",
          "taskhub_poison_failures_total",
          "taskhub_retention_purged_total",
          "taskhub_schedule_lag_seconds_bucket",
          "taskhub_backlog_age_seconds");

  private static HttpDriver server;

  @BeforeAll
  static void start() throws Exception {
    server = HttpDriver.start().workers(1);
    server.completedFanOut("grafana-1", 3);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyMetricTheDashboardQueriesIsOneTaskhubServes() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Set<String> queried = new TreeSet<>();
    Pattern metric = Pattern.compile("taskhub_[a-z_]+");
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        Matcher names = metric.matcher(target.get("expr").asText());
        while (names.find()) {
          queried.add(names.group());
        }
      }
    }
    String scrape = server.get("/metrics").body();

    assertThat(queried).hasSizeGreaterThan(10);
    for (String name : queried) {
      if (!REGISTERED_AT_FIRST_EVENT.contains(name)) {
        assertThat(scrape)
            .as("the scrape serves %s", name)
            .containsPattern("(?m)^" + name + "[{ ]");
      }
    }
  }
}
