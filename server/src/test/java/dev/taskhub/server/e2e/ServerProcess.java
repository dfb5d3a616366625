package dev.taskhub.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scheduler running as a real child JVM ({@code taskhub serve}), so that tests can kill it with
 * SIGKILL and start it again on the same store and port, or run several of them on one database.
 * Its output is kept for diagnostics.
 */
final class ServerProcess implements AutoCloseable {
  static final String READY_LINE = "Taskhub scheduler ready";

  /** The ports the ready line names; HTTP is "(off)" when the server has none. */
  private static final Pattern READY_PORTS =
      Pattern.compile("gRPC on port (\\d+), HTTP on port (\\d+|\\(off\\))");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<Ports> ready = new CompletableFuture<>();

  /** The ports of the ready scheduler; {@code http} is -1 when it has none. */
  private record Ports(int grpc, int http) {}

  private ServerProcess(Process process, String name) {
    this.process = process;
    Thread.ofPlatform().daemon().name(name + "-output").start(this::readOutput);
  }

  /** Starts {@code serve} on the store file and gRPC port, and returns once it logs readiness. */
  static ServerProcess start(Path store, int grpcPort) throws IOException {
    return start(store.toString(), grpcPort, -1);
  }

  /**
   * Starts {@code serve} on the store (a file, or a PostgreSQL URL) and ports (0: a free one, -1
   * for HTTP: none), with further {@code serve} options, and returns once it logs readiness.
   */
  static ServerProcess start(String store, int grpcPort, int httpPort, String... options)
      throws IOException {
    ServerProcess server = launch("server-process", store, grpcPort, httpPort, options);
    server.awaitReady();
    return server;
  }

  /**
   * Starts {@code serve} like {@link #start(String, int, int, String...)} but returns at once, so
   * that several processes can start at the same moment; {@link #awaitReady()} waits for it.
   *
   * @param name names the thread that reads its output
   */
  static ServerProcess launch(
      String name, String store, int grpcPort, int httpPort, String... options) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                serverClassPath(),
                "dev.taskhub.server.cli.Main",
                "serve",
                "--store",
                store,
                "--grpc-port",
                Integer.toString(grpcPort),
                "--http-port",
                Integer.toString(httpPort)));
    command.addAll(List.of(options));
    return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), name);
  }

  /** A port that was free a moment ago, for a server that must come back on the same port. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * The test class path without the test classes, so the child uses the server's own logging
   * configuration.
   */
  private static String serverClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes"))
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private void readOutput() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
        Matcher ports = READY_PORTS.matcher(line);
        if (line.contains(READY_LINE) && ports.find()) {
          String http = ports.group(2);
          ready.complete(
              new Ports(
                  Integer.parseInt(ports.group(1)),
                  http.startsWith("(") ? -1 : Integer.parseInt(http)));
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(e));
      return;
    }
    ready.completeExceptionally(
        new IllegalStateException("The scheduler exited before it was ready:\n" + output));
  }

  /** Waits until the scheduler logs readiness; kills it if it does not within 30 s. */
  void awaitReady() {
    try {
      ready.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("The scheduler was not ready in 30 s:\n" + output, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("Interrupted waiting for the scheduler", e);
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("The scheduler survived SIGKILL");
    }
  }

  /** SIGTERM: the scheduler ends its streams, closes its store and exits. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("The scheduler did not stop within 20 s:\n" + output);
    }
  }

  /** The gRPC port the ready scheduler listens on. */
  int grpcPort() {
    return ready.join().grpc();
  }

  /** The HTTP port the ready scheduler listens on; fails if it was started without one. */
  int httpPort() {
    int port = ready.join().http();
    if (port < 0) {
      throw new IllegalStateException("The scheduler runs without HTTP");
    }
    return port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The threads of the running scheduler and what they wait on ({@code jcmd Thread.print}). */
  String threadDump() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process dump =
          new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      dump.waitFor(10, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      return "No thread dump: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "No thread dump: interrupted";
    }
  }

  String output() {
    return output.toString();
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
