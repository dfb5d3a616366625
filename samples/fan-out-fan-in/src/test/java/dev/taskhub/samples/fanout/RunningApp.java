package dev.taskhub.samples.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.server.testing.TestScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The app on a free port beside the real scheduler (a {@link TestScheduler}: in-process, in-memory
 * store, free ports), driven over HTTP like the seed's curl commands; {@link #close()} stops both.
 */
final class RunningApp implements AutoCloseable {
  final TestScheduler server;
  final FanOutFanInApp app;
  private final HttpClient http = HttpClient.newHttpClient();

  private RunningApp(TestScheduler server, FanOutFanInApp app) {
    this.server = server;
    this.app = app;
  }

  static RunningApp start(WorkSimulator simulator) {
    return start(simulator, 100);
  }

  static RunningApp start(WorkSimulator simulator, int maxWorkItems) {
    TestScheduler server = TestScheduler.builder().http().start();
    SampleConfig config =
        SampleConfig.load(java.util.Map.of())
            .withConnectionString(
                "Endpoint=http://localhost:"
                    + server.grpcPort()
                    + ";Authentication=None;TaskHub=default")
            .withPort(0)
            .withMaxWorkItems(maxWorkItems);
    return new RunningApp(server, FanOutFanInApp.start(config, simulator));
  }

  /** {@code curl -X POST .../api/fan_out_fan_in -H "Content-Type: application/json" -d body}. */
  HttpResponse<String> startFanOut(String body) {
    return send(
        HttpRequest.newBuilder(app.triggerUri())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> get(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).GET());
  }

  HttpResponse<String> post(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> delete(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).DELETE());
  }

  String uri(String path) {
    return app.baseUri() + path;
  }

  OrchestrationMetadata awaitCompletion(String instanceId) {
    return app.client().waitForCompletion(instanceId, Duration.ofSeconds(30));
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("Not JSON: " + response.body(), e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    http.close();
    app.close();
    server.close();
  }
}
