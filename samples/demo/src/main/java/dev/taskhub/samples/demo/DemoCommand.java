package dev.taskhub.samples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskhub.samples.fanout.CheckStatusResponse;
import dev.taskhub.samples.fanout.FanOutFanInApp;
import dev.taskhub.samples.fanout.Json;
import dev.taskhub.samples.fanout.SampleConfig;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.OrchestrationStatus;
import dev.taskhub.server.TaskhubServer;
import dev.taskhub.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's composition root: the scheduler on an embedded SQLite file with its dashboard, the
 * fan-out/fan-in app beside it, one run of the default fan-out through the app's own HTTP trigger,
 * its output and the URLs to try; then it serves until Ctrl-C or SIGTERM.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the scheduler, its dashboard and the fan-out/fan-in sample in one process;"
            + " run the default fan-out once and keep serving.")
final class DemoCommand implements Callable<Integer> {
  private static final ServerConfig DEFAULTS = ServerConfig.defaults();

  @Option(names = "--store", description = "SQLite database file. Default: ${DEFAULT-VALUE}")
  String store = DEFAULTS.store();

  @Option(
      names = "--grpc-port",
      description = "Scheduler gRPC port (0: free). Default: ${DEFAULT-VALUE}")
  int grpcPort = DEFAULTS.grpcPort();

  @Option(
      names = "--http-port",
      description = "Dashboard and HTTP API port (0: free). Default: ${DEFAULT-VALUE}")
  int httpPort = DEFAULTS.httpPort();

  @Option(
      names = "--app-port",
      description = "The sample's HTTP trigger port (0: free). Default: ${DEFAULT-VALUE}")
  int appPort = 7071;

  @Override
  public Integer call() throws IOException, InterruptedException {
    TaskhubServer server =
        TaskhubServer.start(DEFAULTS.withStore(store).withPorts(grpcPort, httpPort));
    SampleConfig sample = SampleConfig.load();
    String hub = sample.connection().taskHub();
    FanOutFanInApp app =
        FanOutFanInApp.start(
            sample
                .withConnectionString(
                    "Endpoint=http://localhost:"
                        + server.grpcPort()
                        + ";Authentication=None;TaskHub="
                        + hub)
                .withPort(appPort));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  server.close();
                  stopped.countDown();
                },
                "taskhub-demo-shutdown"));

    OrchestrationMetadata done = runDefaultFanOut(app);
    PrintStream out = System.out;
    if (done.status() != OrchestrationStatus.COMPLETED) {
      System.err.println(
          "The fan-out ended "
              + done.status()
              + ": "
              + done.failure().map(Object::toString).orElse(""));
      return 1;
    }
    out.print(report(done, server, app));
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Starts the default fan-out as a user would, through the app's HTTP trigger, and waits for it.
   */
  private static OrchestrationMetadata runDefaultFanOut(FanOutFanInApp app)
      throws IOException, InterruptedException {
    HttpResponse<String> started;
    try (HttpClient http = HttpClient.newHttpClient()) {
      started =
          http.send(
              HttpRequest.newBuilder(app.triggerUri())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }
    if (started.statusCode() != 202) {
      throw new IllegalStateException(
          "POST " + app.triggerUri() + " answered " + started.statusCode() + ": " + started.body());
    }
    CheckStatusResponse check =
        new ObjectMapper().readValue(started.body(), CheckStatusResponse.class);
    return app.client().waitForCompletion(check.id(), Duration.ofMinutes(2));
  }

  private static String report(OrchestrationMetadata done, TaskhubServer server, FanOutFanInApp app)
      throws IOException {
    String output = Json.pretty(new ObjectMapper().readTree(done.serializedOutput()));
    URI trigger = app.triggerUri();
    Duration took = Duration.between(done.createdAt(), done.lastUpdatedAt());
    String curl =
        "curl -X POST " + trigger + " \\\n    -H \"Content-Type: application/json\" \\\n    -d ";
    return "\n"
        + "Fan-out/fan-in finished: instance "
        + done.instanceId()
        + " Completed in "
        + String.format(java.util.Locale.ROOT, "%.1f", took.toMillis() / 1000.0)
        + " s. Output:\n"
        + output
        + "\n\n"
        + "Taskhub is running:\n"
        + "  Dashboard      http://localhost:"
        + server.httpPort()
        + "\n"
        + "  Scheduler      Endpoint=http://localhost:"
        + server.grpcPort()
        + ";Authentication=None;TaskHub=default\n"
        + "  HTTP trigger   "
        + trigger
        + "\n"
        + "  This run       "
        + app.baseUri()
        + "/api/status/"
        + done.instanceId()
        + "\n"
        + "\n"
        + "Try the seed's requests:\n"
        + "  "
        + curl
        + "'{}'\n"
        + "  "
        + curl
        + "'{\"workItems\": [\"Task1\", \"Task2\", \"Task3\", \"Task4\", \"Task5\", \"Task6\"]}'\n"
        + "  curl "
        + app.baseUri()
        + "/api/status/{instanceId}\n"
        + "\n"
        + "Serving until Ctrl-C.\n";
  }
}
