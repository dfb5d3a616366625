package dev.taskhub.samples.fanout;

import com.sun.net.httpserver.HttpServer;
import dev.taskhub.sdk.client.TaskhubClient;
import dev.taskhub.sdk.worker.TaskhubWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's composition root: a worker with the orchestrator and both activities, a client, and
 * the HTTP endpoints on {@link SampleConfig#port()}. Run alone with {@code ./taskhub app} against a
 * separately started {@code ./taskhub serve}, as the seed runs {@code func start} beside the
 * emulator; {@code ./taskhub demo} starts it beside an embedded scheduler.
 */
public final class FanOutFanInApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FanOutFanInApp.class);

  private final TaskhubWorker worker;
  private final TaskhubClient client;
  private final HttpServer http;
  private final ExecutorService httpThreads;

  private FanOutFanInApp(
      TaskhubWorker worker, TaskhubClient client, HttpServer http, ExecutorService httpThreads) {
    this.worker = worker;
    this.client = client;
    this.http = http;
    this.httpThreads = httpThreads;
  }

  /** Starts the app with the seed's random work. */
  public static FanOutFanInApp start(SampleConfig config) {
    return start(config, WorkSimulator.random(new Random(), config.minWork(), config.maxWork()));
  }

  /**
   * Starts the worker and the HTTP endpoints; they run until {@link #close()}.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static FanOutFanInApp start(SampleConfig config, WorkSimulator simulator) {
    TaskhubWorker worker =
        TaskhubWorker.builder()
            .connection(config.connection())
            .addOrchestration(Orchestrator.NAME, new Orchestrator())
            .addActivity(ProcessWorkItem.NAME, new ProcessWorkItem(simulator))
            .addActivity(AggregateResults.NAME, new AggregateResults())
            .build();
    TaskhubClient client = TaskhubClient.builder().connection(config.connection()).build();
    ExecutorService httpThreads = Executors.newVirtualThreadPerTaskExecutor();
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(config.port()), 0);
    } catch (IOException e) {
      client.close();
      throw new UncheckedIOException("Could not listen on port " + config.port(), e);
    }
    http.setExecutor(httpThreads);
    http.createContext(
        "/",
        Exchanges.handler(
            exchange -> {
              throw new Exchanges.NotFound(exchange.getRequestURI().getPath());
            }));
    http.createContext(HttpTrigger.PATH, Exchanges.handler(new HttpTrigger(client, config)));
    http.createContext(StatusEndpoint.PATH, Exchanges.handler(new StatusEndpoint(client)));
    http.createContext(
        ManagementEndpoints.BASE, Exchanges.handler(new ManagementEndpoints(client)));
    worker.start();
    http.start();
    FanOutFanInApp app = new FanOutFanInApp(worker, client, http, httpThreads);
    log.info(
        "Fan-out/fan-in app on {} (scheduler {}, task hub {})",
        app.triggerUri(),
        config.connection().target(),
        config.connection().taskHub());
    return app;
  }

  /** The port the HTTP endpoints listen on. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** {@code http://localhost:<port>}. */
  public URI baseUri() {
    return URI.create("http://localhost:" + port());
  }

  /** Where to POST to start a fan-out. */
  public URI triggerUri() {
    return baseUri().resolve(HttpTrigger.PATH);
  }

  /** The app's client (closed with the app). */
  public TaskhubClient client() {
    return client;
  }

  /** Stops taking requests, lets running activities finish (bounded), disconnects. */
  @Override
  public void close() {
    http.stop(0);
    httpThreads.shutdown();
    worker.stop(Duration.ofSeconds(10));
    client.close();
  }

  /** {@code ./taskhub app}: runs until Ctrl-C or SIGTERM. */
  public static void main(String[] args) throws InterruptedException {
    FanOutFanInApp app = start(SampleConfig.load());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "fan-out-fan-in-shutdown"));
    System.out.println(
        "Try: curl -X POST " + app.triggerUri() + " -H \"Content-Type: application/json\" -d '{}'");
    stopped.await();
  }
}
