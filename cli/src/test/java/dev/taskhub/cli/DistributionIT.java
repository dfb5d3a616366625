package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.sdk.worker.TaskhubWorker;
import dev.taskhub.server.testing.TestScheduler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
 * run with {@code JAVA_HOME} unset and no {@code java} on {@code PATH} and with the AOT cache the
 * build made (the JVM told to refuse to start without it, and its classes seen loaded from it), the
 * fan-out run against it (a Taskhub SDK worker here, the orchestration started and followed by the
 * distribution's own {@code bin/taskhub start --wait}), then stopped with SIGTERM. Also: its size,
 * and the Azure identity libraries, which come in an archive of their own. Runs in
 * integration-test, after package has made the archives.
 */
class DistributionIT {
  private static final Pattern READY =
      Pattern.compile(TestScheduler.READY_LINE + ": gRPC on port (\\d+)");

  /** The aim for the download, and for the unpacked folder but serve's AOT cache. */
  private static final long SIZE_LIMIT = 80L * 1024 * 1024;

  /** What serve's AOT cache may grow to before someone should look at what the training loads. */
  private static final long AOT_CACHE_LIMIT = 72L * 1024 * 1024;

  /** An Entra ID connection string; Environment fails at once when no AZURE_* variables are set. */
  private static final String AZURE_CONNECTION =
      "Endpoint=http://localhost:1;Authentication=Environment;TaskHub=default";

  @TempDir Path folder;

  private static Path archive() throws IOException {
    return archive("");
  }

  /** The archive whose name ends in {@code suffix}.tar.gz (the platform's name before it). */
  private static Path archive(String suffix) throws IOException {
    Path dir = Path.of(System.getProperty("taskhub.dist.dir"));
    String name = System.getProperty("taskhub.dist.name");
    try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, name + "-*.tar.gz")) {
      for (Path path : found) {
        String file = path.getFileName().toString();
        boolean azure = file.endsWith("-azure.tar.gz");
        if (suffix.isEmpty() ? !azure : azure) {
          return path;
        }
      }
    }
    throw new IllegalStateException(
        "No " + name + "-*" + suffix + ".tar.gz in " + dir + ": run package first");
  }

  private Path unpack(Path archive) throws IOException, InterruptedException {
    assertThat(exec(new ProcessBuilder("tar", "xzf", archive.toString(), "-C", folder.toString())))
        .isZero();
    return folder.resolve(System.getProperty("taskhub.dist.name"));
  }

  private static long size(Path tree) throws IOException {
    try (var files = Files.walk(tree)) {
      return files.filter(Files::isRegularFile).mapToLong(DistributionIT::size0).sum();
    }
  }

  private static long size0(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    return builder;
  }

  private static int exec(ProcessBuilder builder) throws IOException, InterruptedException {
    Process process = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  @Test
  void theUnpackedDistributionServesTheFanOutWithoutAJdk() throws Exception {
    Path home = unpack(archive());
    Path launcher = home.resolve("bin/taskhub");
    assertThat(launcher).isExecutable();
    assertThat(home.resolve("runtime/bin/java")).isExecutable();

    Path tools = toolsWithoutJava();
    assertThat(exec(inShell(tools, List.of("sh", "-c", "command -v java"))))
        .as("no java on the PATH the distribution runs with")
        .isNotZero();

    Path classLoading = folder.resolve("class-loading.log");
    ProcessBuilder serveCommand =
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
                "0"));
    // AOTMode=on: the JVM refuses to start if the cache does not fit; the log shows whence each
    // class came
    serveCommand
        .environment()
        .put("TASKHUB_JAVA_OPTS", "-XX:AOTMode=on -Xlog:class+load=info:file=" + classLoading);
    long launchedAt = System.nanoTime();
    Process serve = serveCommand.start();
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
    List<String> loaded = Files.readAllLines(classLoading);
    assertThat(loaded)
        .as("serve's own classes come from the AOT cache")
        .anyMatch(line -> line.contains("dev.taskhub.server.TaskhubServer source: shared"))
        .anyMatch(
            line ->
                line.contains("io.grpc.netty.shaded.io.netty.channel.epoll.Epoll source: shared"));
    long cached = loaded.stream().filter(line -> line.contains("source: shared")).count();
    assertThat(cached)
        .as("classes loaded from the AOT cache, of " + loaded.size())
        .isGreaterThan(loaded.size() / 2);
  }

  @Test
  void theDownloadAndTheFolderButTheAotCacheStayUnder80Mb() throws Exception {
    Path archive = archive();
    assertThat(Files.size(archive)).as("the archive " + archive).isLessThan(SIZE_LIMIT);
    Path home = unpack(archive);
    Path cache = home.resolve("lib/serve.aot");
    assertThat(cache).isRegularFile();
    long whole = size(home);
    System.out.printf(
        "distribution: archive %d bytes, unpacked %d bytes, of which lib/serve.aot %d%n",
        Files.size(archive), whole, Files.size(cache));
    assertThat(whole - Files.size(cache)).as("unpacked, but lib/serve.aot").isLessThan(SIZE_LIMIT);
    assertThat(Files.size(cache)).as("lib/serve.aot").isLessThan(AOT_CACHE_LIMIT);
    assertThat(home.resolve("lib/azure")).doesNotExist();
    assertThat(home.resolve("lib"))
        .isDirectoryNotContaining("glob:**/azure-identity-*.jar")
        .isDirectoryNotContaining("glob:**/msal4j-*.jar");
  }

  @Test
  void entraIdConnectionsNameTheMissingLibraryAndWorkOnceItsArchiveIsUnpacked() throws Exception {
    Path launcher = unpack(archive()).resolve("bin/taskhub");
    Path tools = toolsWithoutJava();
    List<String> status =
        List.of(launcher.toString(), "status", "any", "--connection-string", AZURE_CONNECTION);

    Result without = run(inShell(tools, status));
    assertThat(without.code()).as(without.output()).isEqualTo(2);
    assertThat(without.output().lines())
        .as("one line naming what is missing and where to get it")
        .singleElement(STRING)
        .contains("Authentication=Environment", "com.azure:azure-identity", "-azure.tar.gz");

    unpack(archive("-azure"));
    Result with = run(inShell(tools, status));
    // the library is there: the credential itself now answers, as there are no AZURE_* variables
    assertThat(with.code()).as(with.output()).isEqualTo(2);
    assertThat(with.output().lines())
        .singleElement(STRING)
        .contains("Entra ID token")
        .doesNotContain("not on the class path");
  }

  private record Result(int code, String output) {}

  private static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
    builder.environment().keySet().removeIf(name -> name.startsWith("AZURE_"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
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
