package dev.taskhub.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
 * The mechanics of a {@link TestScheduler} that runs as a child JVM ({@code taskhub serve}): its
 * command line, its output (kept for diagnostics), its readiness and its signals.
 */
final class ChildProcess implements AutoCloseable {
  static final String READY_LINE = "Taskhub scheduler ready";

  /** The ports the ready line names; HTTP is "(off)" when the server has none. */
  private static final Pattern READY_PORTS =
      Pattern.compile("gRPC on port (\\d+), HTTP on port (\\d+|\\(off\\))");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<Ports> ready = new CompletableFuture<>();

  /** The ports of the ready scheduler; {@code http} is -1 when it has none. */
  private record Ports(int grpc, int http) {}

  private ChildProcess(Process process, String name) {
    this.process = process;
    Thread.ofPlatform().daemon().name(name + "-output").start(this::readOutput);
  }

  /**
   * Starts {@code serve} on the store (a file, or a PostgreSQL URL) and ports (0: a free one, -1
   * for HTTP: none), with further {@code serve} options, and returns at once; {@link #awaitReady()}
   * waits for it.
   *
   * @param name names the thread that reads its output
   */
  static ChildProcess launch(
      String name, String store, int grpcPort, int httpPort, List<String> options) {
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
    command.addAll(options);
    try {
      return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), name);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command, e);
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
  void kill() {
    process.destroyForcibly();
    if (!waitFor(10)) {
      throw new IllegalStateException("The scheduler survived SIGKILL");
    }
  }

  /** SIGTERM: the scheduler ends its streams, closes its store and exits. */
  void stop() {
    process.destroy();
    if (!waitFor(20)) {
      process.destroyForcibly();
      throw new IllegalStateException("The scheduler did not stop within 20 s:\n" + output);
    }
  }

  /** The gRPC port the ready scheduler listens on. */
  int grpcPort() {
    return ready.join().grpc();
  }

  /** The HTTP port the ready scheduler listens on; -1 when it was started without one. */
  int httpPort() {
    return ready.join().http();
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
    waitFor(10);
  }

  /** Whether the process ended within {@code seconds}; false too when interrupted. */
  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
