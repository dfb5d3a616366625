package dev.taskhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scheduler ({@code taskhub serve}) that the bench starts as a child process of its own, for
 * workloads that must kill and restart it (W5): a real separate JVM on a real SQLite file, a free
 * gRPC port, HTTP off. The bench does not link the server: it runs it from {@link Launcher}'s class
 * path, the way {@code bench/run} does.
 */
final class SchedulerProcess implements AutoCloseable {
  /** How to start {@code serve}: its class path and extra arguments (e.g. bench/run's). */
  record Launcher(String classPath, List<String> serveArgs) {
    Launcher {
      serveArgs = List.copyOf(serveArgs);
    }

    /**
     * Starts a scheduler on the SQLite file {@code store} and waits for its ready line.
     *
     * @throws BenchException if it exits or is not ready within {@code patience}
     */
    SchedulerProcess start(Path store, Duration patience) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  classPath,
                  "dev.taskhub.server.cli.Main",
                  "serve",
                  "--store",
                  store.toString(),
                  "--grpc-port",
                  "0",
                  "--http-port",
                  "-1"));
      command.addAll(serveArgs);
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new BenchException("Cannot start the scheduler: " + e.getMessage(), e);
      }
      SchedulerProcess scheduler = new SchedulerProcess(process);
      scheduler.awaitReady(patience);
      return scheduler;
    }
  }

  private static final Pattern READY =
      Pattern.compile("Taskhub scheduler ready: gRPC on port (\\d+)");

  /** The last lines of its output, for a failure's message. */
  private static final int KEPT_LINES = 40;

  private final Process process;
  private final List<String> lastLines = new ArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private SchedulerProcess(Process process) {
    this.process = process;
    Thread.ofPlatform().daemon().name("scheduler-" + process.pid()).start(this::readOutput);
  }

  long pid() {
    return process.pid();
  }

  /** The gRPC endpoint, once ready. */
  Endpoint endpoint(String taskHub) {
    return new Endpoint("localhost:" + port.join(), taskHub);
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed; returns once it is gone. */
  void kill() {
    process.destroyForcibly();
    if (!waitFor(Duration.ofSeconds(10))) {
      throw new BenchException("The scheduler (pid " + pid() + ") survived SIGKILL");
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  @Override
  public void close() {
    process.destroy();
    if (!waitFor(Duration.ofSeconds(10))) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(10));
    }
  }

  /** Its last lines of output. */
  String lastLines() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  private void awaitReady(Duration patience) {
    try {
      port.get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new BenchException(
          "The scheduler was not ready within " + patience + ":\n" + lastLines(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new BenchException("Interrupted while the scheduler started", e);
    }
  }

  private boolean waitFor(Duration patience) {
    try {
      return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void readOutput() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (lastLines) {
          lastLines.add(line);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
        }
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
          port.complete(Integer.parseInt(ready.group(1)));
        }
      }
    } catch (IOException e) {
      // The process is gone (killed); whoever waits sees it exit.
    }
    port.completeExceptionally(new IllegalStateException("The scheduler exited"));
  }
}
