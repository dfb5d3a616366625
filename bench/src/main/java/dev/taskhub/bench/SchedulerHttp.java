package dev.taskhub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The parts of a Taskhub scheduler's HTTP API the retention bench uses: a hub's retention policy
 * ({@code /api/v1/hubs/{hub}/retention}) and the ended instances {@code /metrics} counts. Not part
 * of the Durable Task protocol, so only a Taskhub scheduler with HTTP on answers it.
 */
final class SchedulerHttp {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String hub;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param endpoint {@code host:port} of the scheduler's HTTP API (plaintext)
   * @param hub the task hub whose policy and instances are meant
   */
  SchedulerHttp(String endpoint, String hub) {
    this.base = URI.create("http://" + endpoint);
    this.hub = hub;
  }

  /**
   * Gives the hub the retention policy {@code policy}; the scheduler starts a purge pass at once
   * (or, if one runs, another right after it).
   *
   * @throws BenchException if the scheduler does not accept it
   */
  void setRetention(String policy) {
    send(
        HttpRequest.newBuilder(retentionUri())
            .PUT(HttpRequest.BodyPublishers.ofString("{\"policy\": \"" + policy + "\"}"))
            .header("Content-Type", "application/json"),
        "set the retention policy of task hub " + hub + " to " + policy);
  }

  /**
   * Returns the hub to the server's retention policy (for {@code bench/run}'s schedulers: keep
   * everything).
   *
   * @throws BenchException if the scheduler does not accept it
   */
  void clearRetention() {
    send(
        HttpRequest.newBuilder(retentionUri()).DELETE(),
        "return task hub " + hub + " to the server's retention policy");
  }

  /**
   * The hub's instances with status {@code status} ({@code TERMINATED}, {@code COMPLETED}...), as
   * {@code taskhub_instances} counts them at this scrape (0 when there are none).
   *
   * @throws BenchException if the scrape fails or is not a Taskhub scheduler's
   */
  long instances(String status) {
    String text = send(HttpRequest.newBuilder(base.resolve("/metrics")).GET(), "scrape /metrics");
    if (!text.contains("taskhub_")) {
      throw new BenchException("/metrics at " + base + " has no taskhub_ series: not Taskhub?");
    }
    return (long)
        MetricsText.sum(text, "taskhub_instances", Map.of("hub", hub, "status", status)).orElse(0);
  }

  private URI retentionUri() {
    return base.resolve("/api/v1/hubs/" + hub + "/retention");
  }

  private String send(HttpRequest.Builder request, String what) {
    HttpResponse<String> response;
    try {
      response =
          client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new BenchException("Cannot " + what + " at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("Interrupted while trying to " + what, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new BenchException(
          "Cannot "
              + what
              + " at "
              + base
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
    return response.body();
  }
}
