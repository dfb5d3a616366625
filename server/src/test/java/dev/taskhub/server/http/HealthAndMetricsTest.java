package dev.taskhub.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.http.HttpDriver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /health and /metrics, and that the dashboard's static files are served at /. */
class HealthAndMetricsTest {
  private static HttpDriver server;

  @BeforeAll
  static void start() throws Exception {
    server = HttpDriver.start().workers(1);
    server.completedFanOut("metrics-1", 3);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthReportsTheStoreAndWorkers() throws Exception {
    Reply reply = server.get("/health");
    assertThat(reply.status()).isEqualTo(200);
    JsonNode health = reply.json();
    assertThat(health.get("status").asText()).isEqualTo("UP");
    assertThat(health.get("store").asText()).isEqualTo("UP");
    assertThat(health.get("connectedWorkers").asInt()).isEqualTo(1);
  }

  @Test
  void metricsAreInPrometheusText() throws Exception {
    Reply reply = server.get("/metrics");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("text/plain");
    String text = reply.body();
    assertThat(text).contains("taskhub_instances{hub=\"default\",status=\"COMPLETED\"} 1.0");
    assertThat(text)
        .containsPattern("taskhub_work_items_dispatched_total\\{kind=\"activity\"} [4-9]");
    assertThat(text).containsPattern("taskhub_work_items_completed_total\\{kind=\"activity\"} 4");
    assertThat(text)
        .containsPattern("taskhub_work_items_dispatched_total\\{kind=\"orchestration\"} [1-9]");
    assertThat(text).containsPattern("taskhub_step_latency_seconds_bucket\\{le=");
    assertThat(text).containsPattern("taskhub_step_latency_seconds_count [1-9]");
    assertThat(text).contains("taskhub_queue_depth{hub=\"default\",kind=\"activity\"} 0.0");
    assertThat(text).contains("taskhub_queue_depth{hub=\"default\",kind=\"orchestration\"} 0.0");
    assertThat(text).contains("taskhub_workers_connected 1.0");
    // The seed's fan-out: three activities and the aggregate, then the completion.
    assertThat(text).contains("taskhub_actions_total{hub=\"default\",kind=\"scheduleTask\"} 4.0");
    assertThat(text)
        .contains("taskhub_actions_total{hub=\"default\",kind=\"completeOrchestration\"} 1.0");
    assertThat(text).containsPattern("taskhub_store_commit_latency_seconds_count [1-9]");
    assertThat(text).containsPattern("taskhub_store_commit_units_sum [1-9]");
  }

  @Test
  void dashboardIsServedAtTheRoot() throws Exception {
    Reply index = server.get("/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.contentType()).startsWith("text/html");
    assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\">");
    Reply script = server.get("/app.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.contentType()).contains("javascript");
    assertThat(server.get("/style.css").contentType()).startsWith("text/css");
    for (String file :
        new String[] {
          "/api.js", "/format.js", "/ui.js", "/list.js", "/instance.js", "/timeline.js"
        }) {
      Reply module = server.get(file);
      assertThat(module.status()).as(file).isEqualTo(200);
      assertThat(module.body())
          .as(file + " loads nothing from the internet")
          .doesNotContain("http://", "https://");
    }
  }
}
