package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: unpacked into an empty folder, its {@code bin/taskhub serve}
 * run with {@code JAVA_HOME} unset and no {@code java} on {@code PATH}, the fan-out run against it
 * (a Taskhub SDK worker here, the orchestration started and followed by the distribution's own
 * {@code bin/taskhub start --wait}), then stopped with SIGTERM. Runs in integration-test, after
 * package has made the archive.
 */
class DistributionIT {
  private static final Pattern READY =
      Pattern.compile(TestScheduler.READY_LINE + ": gRPC on port (\\d+)");

  @TempDir Path folder;

  private static Path archive() throws IOException {
    Path dir = Path.of(System.getProperty("taskhub.dist.dir"));
    String name = System.getProperty("taskhub.dist.name");
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, name + "-*.tar.gz")) {
      for (Path path : found) {
        return path;
      }
    }
    throw new IllegalStateException("No " + name + "-*.tar.gz in " + dir + ": run package first");
  }

  /** A PATH of only what the launcher needs, so that no java is found on it. */
  private Path toolsWithoutJava() throws IOException {
    Path tools = Files.createDirectories(folder.resolve("tools"));
    for (String tool : List.of("sh", "readlink", "dirname")) {
      Path real =
          Files.exists(Path.of("/usr/bin", tool))
              ? Path.of("/usr/bin", tool)
              : Path.of("/bin", tool);
      Files.createSymbolicLink(tools.resolve(tool), real.toRealPath());
    }
    return tools;
  }

  private ProcessBuilder inShell(Path tools, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.remove("JAVA_HOME");
    env.remove("JDK_HOME");
    env.put("PATH", tools.toString());
    // the AOT cache a first serve writes as it stops takes seconds: not for this test
    env.put("TASKHUB_AOT_CACHE", "off");
    return builder;
  }

  private static int exec(ProcessBuilder builder) throws IOException, InterruptedException {
    Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  @Test
  void theUnpackedDistributionServesTheFanOutWithoutAJdk() throws Exception {
    Path archive = archive();
    assertThat(exec(new ProcessBuilder("tar", "xzf", archive.toString(), "-C", folder.toString())))
        .isZero();
    Path home = folder.resolve(System.getProperty("taskhub.dist.name"));
    Path launcher = home.resolve("bin/taskhub");
    assertThat(launcher).isExecutable();
    assertThat(home.resolve("runtime/bin/java")).isExecutable();

    Path tools = toolsWithoutJava();
    assertThat(exec(inShell(tools, List.of("sh", "-c", "command -v java"))))
        .as("no java on the PATH the distribution runs with")
        .isNotZero();

    long launchedAt = System.nanoTime();
    Process serve =
        inShell(
                tools,
                List.of(
                    launcher.toString(),
                    "serve",
                    "--store",
                    folder.resolve("store.db").toString(),
                    "--grpc-port",
                    "0",
                    "--http-port",
                    "0"))
            .start();
    List<String> output = new ArrayList<>();
    CompletableFuture<Integer> ready = readyPort(serve, output);
    try {
      int port = ready.get(60, TimeUnit.SECONDS);
      Duration readiness = Duration.ofNanos(System.nanoTime() - launchedAt);
      System.out.println("distribution: serve ready after " + readiness.toMillis() + " ms");

      // the worker is this test's; the scheduler, the distribution's
      TaskhubWorker worker = Workflows.worker(port).build().start();
      try {
        Process start =
            inShell(
                    tools,
                    List.of(
                        launcher.toString(),
                        "start",
                        "FanOutFanIn",
                        "--input",
                        "[\"Task1\",\"Task2\",\"Task3\"]",
                        "--wait",
                        "-o",
                        "json",
                        "--endpoint",
                        "localhost:" + port))
                .start();
        String printed = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(printed).isZero();
        List<String> lines = printed.lines().filter(line -> line.startsWith("{")).toList();
        JsonNode last = Json.MAPPER.readTree(lines.getLast());
        assertThat(last.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(last.path("output").path("items").asInt()).isEqualTo(3);
        assertThat(last.path("output").path("total").asInt()).isEqualTo(150);
      } finally {
        worker.stop(Duration.ofSeconds(5));
      }
    } finally {
      serve.destroy();
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
    }
    synchronized (output) {
      assertThat(String.join("\n", output)).contains(TestScheduler.READY_LINE);
    }
  }

  /** Reads the process's output; completes with the gRPC port once the ready line is there. */
  private static CompletableFuture<Integer> readyPort(Process process, List<String> output) {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  synchronized (output) {
                    output.add(line);
                  }
                  Matcher ready = READY.matcher(line);
                  if (ready.find()) {
                    port.complete(Integer.parseInt(ready.group(1)));
                  }
                }
                port.completeExceptionally(
                    new IllegalStateException("serve ended before it was ready:\n" + output));
              } catch (IOException e) {
                port.completeExceptionally(e);
              }
            });
    return port;
  }
}
