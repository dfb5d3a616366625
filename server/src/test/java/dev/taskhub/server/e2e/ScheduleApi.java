package dev.taskhub.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@code /api/v1/hubs/default/schedules} as the tests call it: status code and JSON body. */
final class ScheduleApi {
  /** An answer: its status code and its body as JSON (null when empty). */
  record Answer(int status, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  ScheduleApi(int httpPort) {
    this.base = "http://localhost:" + httpPort + "/api/v1/hubs/default/schedules";
  }

  Answer call(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + base + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A call that must answer {@code status}; returns its body. */
  JsonNode expect(int status, String method, String path, String body) {
    Answer answer = call(method, path, body);
    if (answer.status() != status) {
      throw new AssertionError(
          method + " " + path + " answered " + answer.status() + ": " + answer.body());
    }
    return answer.body();
  }

  JsonNode create(String body) {
    return expect(201, "POST", "", body);
  }

  JsonNode get(String id) {
    return expect(200, "GET", "/" + id, null);
  }
}
