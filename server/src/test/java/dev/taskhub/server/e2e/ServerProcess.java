package dev.taskhub.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A scheduler running as a real child JVM ({@code taskhub serve}), so that tests can kill it with
 * SIGKILL and start it again on the same store file and port. Its output is kept for diagnostics.
 */
final class ServerProcess implements AutoCloseable {
  static final String READY_LINE = "Taskhub scheduler ready";

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  private ServerProcess(Process process) {
    this.process = process;
    Thread.ofPlatform().daemon().name("server-process-output").start(this::readOutput);
  }

  /** Starts {@code serve} on the store file and gRPC port, and returns once it logs readiness. */
  static ServerProcess start(Path store, int grpcPort) throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            serverClassPath(),
            "dev.taskhub.server.cli.Main",
            "serve",
            "--store",
            store.toString(),
            "--grpc-port",
            Integer.toString(grpcPort),
            "--http-port",
            "-1");
    ServerProcess server =
        new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    server.awaitReady();
    return server;
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
        if (line.contains(READY_LINE)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(new UncheckedIOException(e));
      return;
    }
    ready.completeExceptionally(
        new IllegalStateException("The scheduler exited before it was ready:\n" + output));
  }

  private void awaitReady() {
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
