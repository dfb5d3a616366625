package dev.taskhub.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import com.microsoft.durabletask.TaskActivityFactory;
import com.microsoft.durabletask.TaskOrchestrationFactory;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.testing.OfficialSdk;
import dev.taskhub.server.testing.TestScheduler;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Drives a {@link TestScheduler} with HTTP (in-process, free ports) the way the management API,
 * dashboard and Durable Functions tests need: official-SDK 1.5.0 workers running {@link Workflows},
 * a client, and a small HTTP client; closing it stops the scheduler.
 */
public final class HttpDriver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final TestScheduler scheduler;
  private final HttpClient http = HttpClient.newHttpClient();
  private DurableTaskClient client;

  private HttpDriver(TestScheduler scheduler) {
    this.scheduler = scheduler;
  }

  public static HttpDriver start() {
    return start(config -> config);
  }

  public static HttpDriver start(UnaryOperator<ServerConfig> configure) {
    return new HttpDriver(TestScheduler.builder().http().config(configure).start());
  }

  /** A gRPC channel to the scheduler, for what the official SDK's client cannot send. */
  public ManagedChannel channel() {
    return scheduler.channel();
  }

  public int grpcPort() {
    return scheduler.grpcPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + scheduler.httpPort();
  }

  /** Starts {@code count} workers; each runs one work item at a time, as SDK 1.5.0 does. */
  public HttpDriver workers(int count, Function<String, Duration> workTime) {
    for (int i = 0; i < count; i++) {
      OfficialSdk.startWorker(
          scheduler,
          builder -> {
            for (Object factory : Workflows.all(workTime)) {
              if (factory instanceof TaskOrchestrationFactory orchestration) {
                builder.addOrchestration(orchestration);
              } else {
                builder.addActivity((TaskActivityFactory) factory);
              }
            }
            return builder;
          });
    }
    return this;
  }

  public HttpDriver workers(int count) {
    return workers(count, item -> Duration.ZERO);
  }

  public DurableTaskClient client() {
    if (client == null) {
      client = OfficialSdk.client(scheduler);
    }
    return client;
  }

  public String start(String name, String instanceId, Object input) {
    return client()
        .scheduleNewOrchestrationInstance(
            name, new NewOrchestrationInstanceOptions().setInstanceId(instanceId).setInput(input));
  }

  /** Starts the seed's fan-out over Task1..TaskN and waits until it completed. */
  public String completedFanOut(String instanceId, int items) throws Exception {
    List<String> input = new ArrayList<>();
    for (int i = 1; i <= items; i++) {
      input.add("Task" + i);
    }
    start(Workflows.FAN_OUT, instanceId, input);
    awaitStatus(instanceId, OrchestrationRuntimeStatus.COMPLETED);
    return instanceId;
  }

  /** Starts an instance that waits for the approval event, and waits until it runs. */
  public String runningWaiter(String instanceId) throws Exception {
    start(Workflows.WAIT_FOR_APPROVAL, instanceId, null);
    OrchestrationMetadata started =
        client().waitForInstanceStart(instanceId, Duration.ofSeconds(30), false);
    if (started.getRuntimeStatus() != OrchestrationRuntimeStatus.RUNNING) {
      throw new AssertionError(instanceId + " is " + started.getRuntimeStatus());
    }
    return instanceId;
  }

  public void awaitStatus(String instanceId, OrchestrationRuntimeStatus status) throws Exception {
    OrchestrationMetadata done =
        client().waitForInstanceCompletion(instanceId, Duration.ofSeconds(30), true);
    if (done.getRuntimeStatus() != status) {
      throw new AssertionError(
          instanceId + " ended " + done.getRuntimeStatus() + ", not " + status);
    }
  }

  public Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Reply get(String path, String header, String value)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header(header, value).GET());
  }

  public Reply post(String path, String jsonBody) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .POST(
                jsonBody == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    return send(request);
  }

  public Reply delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public HttpClient httpClient() {
    return http;
  }

  public URI uri(String path) {
    return URI.create(baseUrl() + path);
  }

  private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.headers(), response.body());
  }

  /** An HTTP answer. */
  public record Reply(int status, HttpHeaders headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("Not JSON (status " + status + "): " + body, e);
      }
    }

    public String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  @Override
  public void close() {
    scheduler.close();
  }
}
