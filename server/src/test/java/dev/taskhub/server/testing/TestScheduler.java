package dev.taskhub.server.testing;

import dev.taskhub.server.TaskhubServer;
import dev.taskhub.server.config.ServerConfig;
import dev.taskhub.server.engine.SystemTimers;
import dev.taskhub.server.engine.Timers;
import dev.taskhub.server.engine.Tracing;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The real scheduler for a test, on loopback port 0 (or a port the test picked): in the test's JVM,
 * or as a child JVM ({@code taskhub serve}) that the test can SIGKILL and start again on the same
 * store and ports, or run beside other nodes on one database. Every module's tests start their
 * scheduler here (the server module's test-jar carries it):
 *
 * <pre>{@code
 * try (TestScheduler scheduler = TestScheduler.builder().sqliteFile(file).childProcess().start()) {
 *   DurableTaskClient client = OfficialSdk.client(scheduler);
 *   ...
 *   scheduler.kill();
 *   scheduler.restart();
 * }
 * }</pre>
 *
 * <p>What a test opens against the scheduler and {@link #register registers} (workers, clients,
 * channels) is closed before the scheduler stops, and when a child process is killed: they lost
 * their server.
 */
public final class TestScheduler implements AutoCloseable {
  /** The line a scheduler logs once it listens; a child process's output has it once per start. */
  public static final String READY_LINE = ChildProcess.READY_LINE;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Spec spec;
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** The in-process server; null for a child process. */
  private final TaskhubServer server;

  /** The current child process, replaced by {@link #restart()}; null for an in-process server. */
  private ChildProcess process;

  /** The output of the child processes before {@link #restart()} replaced them. */
  private final StringBuilder earlierOutput = new StringBuilder();

  /** What the builder collected; immutable once {@link Builder#start()} copied it. */
  private record Spec(
      String name,
      String store,
      boolean childProcess,
      int grpcPort,
      int httpPort,
      Duration nodeLease,
      UnaryOperator<ServerConfig> configure,
      Timers timers,
      Tracing tracing) {}

  private TestScheduler(Spec spec) {
    this.spec = spec;
    if (spec.childProcess()) {
      this.server = null;
      this.process = launch(spec.grpcPort(), spec.httpPort());
    } else {
      ServerConfig config =
          spec.configure()
              .apply(
                  withNodeLease(
                      ServerConfig.forTests()
                          .withStore(spec.store())
                          .withPorts(spec.grpcPort(), spec.httpPort())));
      Timers timers = spec.timers() == null ? SystemTimers.utc() : spec.timers();
      this.server =
          spec.tracing() == null
              ? TaskhubServer.start(config, timers)
              : TaskhubServer.start(config, timers, spec.tracing());
    }
  }

  private ServerConfig withNodeLease(ServerConfig config) {
    return spec.nodeLease() == null ? config : config.withNodeLease(spec.nodeLease());
  }

  private ChildProcess launch(int grpcPort, int httpPort) {
    List<String> options =
        spec.nodeLease() == null
            ? List.of()
            : List.of("--node-lease", spec.nodeLease().toMillis() + "ms");
    return ChildProcess.launch(spec.name(), spec.store(), grpcPort, httpPort, options);
  }

  /** A builder for an in-process scheduler on an in-memory store, gRPC on port 0, no HTTP. */
  public static Builder builder() {
    return new Builder();
  }

  /** The name the builder gave, for diagnostics (and a child's output thread). */
  public String name() {
    return spec.name();
  }

  /** The store location: {@code :memory:}, a SQLite file or a PostgreSQL URL. */
  public String store() {
    return spec.store();
  }

  public int grpcPort() {
    return server != null ? server.grpcPort() : process.grpcPort();
  }

  /**
   * @throws IllegalStateException if the scheduler runs without HTTP ({@link Builder#http()})
   */
  public int httpPort() {
    int port = server != null ? server.httpPort() : process.httpPort();
    if (port < 0) {
      throw new IllegalStateException("Scheduler " + spec.name() + " runs without HTTP");
    }
    return port;
  }

  /**
   * The in-process server, for a test that looks at its engine.
   *
   * @throws IllegalStateException for a child process
   */
  public TaskhubServer server() {
    if (server == null) {
      throw new IllegalStateException("Scheduler " + spec.name() + " is a child process");
    }
    return server;
  }

  /** Closes {@code resource} before the scheduler stops, or when its child process is killed. */
  public <T extends AutoCloseable> T register(T resource) {
    resources.add(resource);
    return resource;
  }

  /** A plaintext channel to the scheduler's gRPC port, for protocol-level tests; registered. */
  public ManagedChannel channel() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext().build();
    register(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  /** The status code of the scheduler's {@code /health}; it must have HTTP. */
  public int health() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/health"))
            .timeout(Duration.ofSeconds(15))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * Waits until a child process {@link Builder#launch() launched} without waiting is ready; kills
   * it if it is not within 30 s.
   *
   * @throws IllegalStateException if it exited or was not ready in time (with its output)
   */
  public TestScheduler awaitReady() {
    if (process != null) {
      process.awaitReady();
    }
    return this;
  }

  /** SIGKILLs the child process (no shutdown hook runs) and closes the registered resources. */
  public void kill() {
    child().kill();
    closeResources();
  }

  /** SIGTERMs the child process: it ends its streams, closes its store and exits (within 20 s). */
  public void stop() {
    child().stop();
  }

  /**
   * Starts the killed or stopped child process again on the same store and ports, and waits until
   * it is ready; clients that kept the port reconnect to it.
   */
  public TestScheduler restart() {
    ChildProcess stopped = child();
    if (stopped.isAlive()) {
      throw new IllegalStateException("Scheduler " + spec.name() + " still runs");
    }
    earlierOutput.append(stopped.output());
    int http = spec.httpPort() < 0 ? -1 : stopped.httpPort();
    process = launch(stopped.grpcPort(), http);
    return awaitReady();
  }

  public boolean isAlive() {
    return child().isAlive();
  }

  /** Everything the child processes wrote, start after start. */
  public String output() {
    return earlierOutput + child().output();
  }

  /** The threads of the child process and what they wait on ({@code jcmd Thread.print}). */
  public String threadDump() {
    return child().threadDump();
  }

  private ChildProcess child() {
    if (process == null) {
      throw new IllegalStateException("Scheduler " + spec.name() + " runs in-process");
    }
    return process;
  }

  /**
   * Closes the registered resources (last first), then stops the scheduler. A child process gets
   * SIGTERM, so that its log says what it still held, then SIGKILL; its output goes to the test's
   * standard output (the surefire report), so that a failure can be read from every node's log.
   *
   * @throws IllegalStateException if a resource could not be closed (after all were tried)
   */
  @Override
  public void close() {
    IllegalStateException failure = closeResources();
    if (server != null) {
      server.close();
    } else {
      if (process.isAlive()) {
        try {
          process.stop();
        } catch (IllegalStateException e) {
          System.out.println("Scheduler " + spec.name() + ": " + e.getMessage());
        }
      }
      process.close();
      System.out.println("===== Scheduler " + spec.name() + " output:\n" + output());
    }
    if (failure != null) {
      throw failure;
    }
  }

  private IllegalStateException closeResources() {
    IllegalStateException failure = null;
    for (AutoCloseable resource : resources.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("Could not close " + resource, e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    resources.clear();
    return failure;
  }

  @Override
  public String toString() {
    return "scheduler " + spec.name();
  }

  /** How to start a {@link TestScheduler}; each option says where it applies. */
  public static final class Builder {
    private String name = "scheduler";
    private String store = ServerConfig.MEMORY_STORE;
    private boolean childProcess;
    private int grpcPort;
    private int httpPort = -1;
    private Duration nodeLease;
    private UnaryOperator<ServerConfig> configure;
    private Timers timers;
    private Tracing tracing;

    private Builder() {}

    /** An in-memory store (the default): nothing outlives the scheduler. */
    public Builder memoryStore() {
      return store(ServerConfig.MEMORY_STORE);
    }

    public Builder sqliteFile(Path file) {
      return store(file.toString());
    }

    /** A PostgreSQL URL: the scheduler is a cluster node on it, as every scheduler there is. */
    public Builder postgres(String url) {
      return store(url);
    }

    /** Any store location {@code serve --store} takes. */
    public Builder store(String location) {
      this.store = location;
      return this;
    }

    /** In the test's JVM (the default). */
    public Builder inProcess() {
      this.childProcess = false;
      return this;
    }

    /** As a child JVM running {@code taskhub serve}, always on the system clock. */
    public Builder childProcess() {
      this.childProcess = true;
      return this;
    }

    /** Names the scheduler in diagnostics; {@code "scheduler"} unless given. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** A fixed gRPC port, for a client that must know it before the scheduler starts; 0 default. */
    public Builder grpcPort(int port) {
      this.grpcPort = port;
      return this;
    }

    /** HTTP (management API, dashboard, /health) on a free port; off unless asked for. */
    public Builder http() {
      this.httpPort = 0;
      return this;
    }

    /** How long a cluster node's lease lasts (PostgreSQL stores), in-process or child. */
    public Builder nodeLease(Duration lease) {
      this.nodeLease = lease;
      return this;
    }

    /** Changes the in-process server's config last: after the store, ports and node lease above. */
    public Builder config(UnaryOperator<ServerConfig> change) {
      this.configure = change;
      return this;
    }

    /** The in-process server's clock and timers (a {@code SettableTimers}); it closes them. */
    public Builder timers(Timers settable) {
      this.timers = settable;
      return this;
    }

    /** Where the in-process server's spans go (an in-memory exporter's tracing); it closes it. */
    public Builder tracing(Tracing spans) {
      this.tracing = spans;
      return this;
    }

    /**
     * Starts the scheduler and returns once it listens.
     *
     * @throws IllegalStateException if a child process exited or was not ready within 30 s, or if
     *     {@link #config} or {@link #timers} was given for a child process
     */
    public TestScheduler start() {
      return launch().awaitReady();
    }

    /**
     * Starts the scheduler but returns before a child process is ready ({@link #awaitReady()}), so
     * that several nodes start at the same moment; an in-process one is ready already.
     */
    public TestScheduler launch() {
      if (childProcess && (configure != null || timers != null || tracing != null)) {
        throw new IllegalStateException(
            "config(...), timers(...) and tracing(...) apply to in-process schedulers only");
      }
      return new TestScheduler(
          new Spec(
              name,
              store,
              childProcess,
              grpcPort,
              httpPort,
              nodeLease,
              configure == null ? UnaryOperator.identity() : configure,
              timers,
              tracing));
    }
  }
}
