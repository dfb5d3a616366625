package dev.taskhub.sdk.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskhub.sdk.ConnectionSettings;
import dev.taskhub.sdk.TaskhubException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A Taskhub scheduler's recurring schedules, over its HTTP API ({@code
 * /api/v1/hubs/{hub}/schedules}): schedules are a Taskhub feature the Durable Task protocol has no
 * calls for, so this is apart from {@link TaskhubClient}, which stays usable with any protocol
 * endpoint. It uses the same {@link ConnectionSettings} (task hub, token, TLS); the HTTP endpoint
 * is the gRPC endpoint's host on port 8082 unless given.
 *
 * <p>Thread-safe. Calls block; each has a 30 s timeout.
 */
public final class TaskhubSchedules implements AutoCloseable {
  /** The port of Taskhub's HTTP API when none is given. */
  public static final int DEFAULT_HTTP_PORT = 8082;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final String token;

  private TaskhubSchedules(ConnectionSettings settings, URI httpEndpoint, SSLContext ssl) {
    URI endpoint =
        httpEndpoint != null
            ? httpEndpoint
            : URI.create(
                (settings.tls() ? "https://" : "http://")
                    + (settings.host().contains(":")
                        ? "[" + settings.host() + "]"
                        : settings.host())
                    + ":"
                    + DEFAULT_HTTP_PORT);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
    String root = endpoint.toString().replaceAll("/+$", "");
    this.base =
        root
            + "/api/v1/hubs/"
            + URLEncoder.encode(settings.taskHub(), StandardCharsets.UTF_8).replace("+", "%20")
            + "/schedules";
    this.token = settings.token();
  }

  /** Schedules of the settings' task hub, at its host's port 8082, trusting the system's CAs. */
  public static TaskhubSchedules connect(ConnectionSettings settings) {
    return new TaskhubSchedules(settings, null, null);
  }

  /**
   * @param httpEndpoint the scheduler's HTTP API ({@code https://sched.example.com:8082}), or null
   * @param ssl the TLS context to trust the scheduler's certificate with, or null for the system's
   */
  public static TaskhubSchedules connect(
      ConnectionSettings settings, URI httpEndpoint, SSLContext ssl) {
    return new TaskhubSchedules(settings, httpEndpoint, ssl);
  }

  /**
   * Creates a schedule; its first run is at the first fire time after now.
   *
   * @throws TaskhubException.ScheduleAlreadyExists if the hub has one of that id
   * @throws TaskhubException.InvalidRequest if the scheduler refused the spec (message says why)
   * @throws TaskhubException.Unavailable if the scheduler cannot be reached
   */
  public Schedule create(ScheduleSpec spec) {
    return schedule(send("POST", "", body(spec, true), 201));
  }

  /** The task hub's schedules, by id. */
  public List<Schedule> list() {
    List<Schedule> schedules = new ArrayList<>();
    send("GET", "", null, 200).path("schedules").forEach(s -> schedules.add(schedule(s)));
    return schedules;
  }

  /** The schedule, or empty if the hub has none of that id. */
  public Optional<Schedule> get(String id) {
    try {
      return Optional.of(schedule(send("GET", "/" + segment(id), null, 200)));
    } catch (TaskhubException.ScheduleNotFound e) {
      return Optional.empty();
    }
  }

  /**
   * Replaces the schedule's spec (its id stays); counts and its latest run are kept.
   *
   * @throws TaskhubException.ScheduleNotFound if the hub has none of that id
   * @throws TaskhubException.InvalidRequest if the scheduler refused the spec
   */
  public Schedule update(ScheduleSpec spec) {
    return schedule(send("PUT", "/" + segment(spec.id()), body(spec, false), 200));
  }

  /**
   * @throws TaskhubException.ScheduleNotFound if the hub has none of that id
   */
  public Schedule pause(String id) {
    return schedule(send("POST", "/" + segment(id) + "/pause", null, 200));
  }

  /**
   * Fires again from now on (fire times passed while paused are not caught up).
   *
   * @throws TaskhubException.ScheduleNotFound if the hub has none of that id
   */
  public Schedule resume(String id) {
    return schedule(send("POST", "/" + segment(id) + "/resume", null, 200));
  }

  /**
   * Starts a run now, whatever the overlap policy; returns its instance id.
   *
   * @throws TaskhubException.ScheduleNotFound if the hub has none of that id
   */
  public String trigger(String id) {
    return send("POST", "/" + segment(id) + "/trigger", null, 202).path("instanceId").asText();
  }

  /**
   * Deletes the schedule; runs it started are left alone.
   *
   * @throws TaskhubException.ScheduleNotFound if the hub has none of that id
   */
  public void delete(String id) {
    send("DELETE", "/" + segment(id), null, 204);
  }

  @Override
  public void close() {
    http.close();
  }

  private static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String body(ScheduleSpec spec, boolean withId) {
    ObjectNode body = JSON.createObjectNode();
    if (withId) {
      body.put("id", spec.id());
    }
    body.put("orchestration", spec.orchestration());
    if (spec.version() != null) {
      body.put("version", spec.version());
    }
    if (spec.inputJson() != null) {
      try {
        body.set("input", JSON.readTree(spec.inputJson()));
      } catch (JsonProcessingException e) {
        throw new TaskhubException.DataConversion("The schedule's input is not JSON", e);
      }
    }
    if (spec.cron() != null) {
      body.put("cron", spec.cron());
    }
    if (spec.interval() != null) {
      body.put("interval", spec.interval().toString());
    }
    if (spec.timeZone() != null) {
      body.put("timeZone", spec.timeZone().getId());
    }
    if (spec.startAt() != null) {
      body.put("startAt", spec.startAt().toString());
    }
    if (spec.endAt() != null) {
      body.put("endAt", spec.endAt().toString());
    }
    if (spec.overlap() != null) {
      body.put("overlap", spec.overlap().wireName());
    }
    if (spec.catchUpWindow() != null) {
      body.put("catchUpWindow", spec.catchUpWindow().toString());
    }
    return body.toString();
  }

  private static Schedule schedule(JsonNode json) {
    JsonNode input = json.path("input");
    ScheduleSpec spec =
        new ScheduleSpec(
            json.path("id").asText(),
            json.path("orchestration").asText(),
            text(json, "version"),
            input.isMissingNode() || input.isNull() ? null : input.toString(),
            text(json, "cron"),
            duration(text(json, "interval")),
            ZoneId.of(json.path("timeZone").asText("UTC")),
            instant(text(json, "startAt")),
            instant(text(json, "endAt")),
            OverlapPolicy.fromWire(json.path("overlap").asText("skip")),
            duration(text(json, "catchUpWindow")));
    return new Schedule(
        spec,
        json.path("status").asText(),
        instant(text(json, "nextRunAt")),
        instant(text(json, "lastRunAt")),
        text(json, "lastInstanceId"),
        json.path("runs").asLong(),
        json.path("skipped").asLong(),
        json.path("missed").asLong());
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }

  /** The scheduler's durations: {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d} or ISO-8601. */
  private static Duration duration(String text) {
    if (text == null) {
      return null;
    }
    char unit = text.charAt(text.length() - 1);
    if (text.startsWith("P")) {
      return Duration.parse(text);
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new TaskhubException("Unexpected duration from the scheduler: " + text);
    };
  }

  /** Sends one request; an answer other than {@code expected} becomes the matching exception. */
  private JsonNode send(String method, String path, String body, int expected) {
    URI uri = URI.create(base + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TaskhubException.Unavailable(method + " " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskhubException.Unavailable(method + " " + uri + " was interrupted", e);
    }
    JsonNode answer = parse(response.body());
    if (response.statusCode() == expected) {
      return answer;
    }
    String detail =
        answer.path("detail").asText(method + " " + uri + " answered " + response.statusCode());
    throw switch (response.statusCode()) {
      case 400 -> new TaskhubException.InvalidRequest(detail);
      case 404 -> new TaskhubException.ScheduleNotFound(detail);
      case 409 -> new TaskhubException.ScheduleAlreadyExists(detail);
      case 502, 503, 504 -> new TaskhubException.Unavailable(detail, null);
      default -> new TaskhubException(response.statusCode() + ": " + detail);
    };
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode().put("detail", body);
    }
  }
}
