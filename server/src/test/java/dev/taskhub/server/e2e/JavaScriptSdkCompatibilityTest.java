package dev.taskhub.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.taskhub.server.security.TokenFile;
import dev.taskhub.server.testing.TestCertificates;
import dev.taskhub.server.testing.TestScheduler;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unmodified official JavaScript SDK ({@code @microsoft/durabletask-js}, pinned in {@code
 * compat/js/package-lock.json}) against a real in-process server: runs the {@code node:test} suite
 * in {@code compat/js} with {@code TASKHUB_ENDPOINT} pointing at the server, and passes only if
 * every scenario there passes. Node's output goes to this test's log, beside the server's.
 *
 * <p>Without {@code node} and {@code npm} on the PATH the test is skipped, except on CI ({@code
 * CI=true}), where that is a broken build machine and fails.
 */
class JavaScriptSdkCompatibilityTest {
  private static final Logger log = LoggerFactory.getLogger(JavaScriptSdkCompatibilityTest.class);
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SUITE_TIMEOUT = Duration.ofSeconds(90);

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void officialJavaScriptSdkPassesTheCompatibilitySuite() throws Exception {
    requireOnPath("node");
    requireOnPath("npm");
    Path project = compatProject();
    if (dependenciesOutOfDate(project)) {
      Result install =
          run(project, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), INSTALL_TIMEOUT);
      assertThat(install.exitCode())
          .withFailMessage(
              "npm ci in %s exited %d:%n%s", project, install.exitCode(), install.output())
          .isZero();
    }

    // The versioning and work-item filter scenarios run their own workers in task hubs of their own
    // (see the suite).
    // The authentication scenario talks to a second scheduler that requires tokens.
    Path tokens = Files.createTempFile("taskhub-js-tokens", "");
    Files.writeString(tokens, "js-app " + TokenFile.hashHex(JS_TOKEN) + " worker,contributor *\n");
    // The TLS scenario talks to a third one, with a certificate of its own.
    Path certificates = Files.createTempDirectory("taskhub-js-tls");
    TestCertificates.Pem pem = TestCertificates.selfSigned(certificates, "server", "localhost");
    // The mTLS scenario talks to a fourth one, which trusts the client certificate and no other.
    TestCertificates.Pem client = TestCertificates.selfSigned(certificates, "client", "js-client");
    TestCertificates.Pem stranger =
        TestCertificates.selfSigned(certificates, "stranger", "js-stranger");
    try (TestScheduler server =
            TestScheduler.builder()
                .config(c -> c.withTaskHubs(List.of("default", "versioning", "filters")))
                .start();
        TestScheduler guarded =
            TestScheduler.builder().config(c -> c.withAuthTokens(tokens)).start();
        TestScheduler encrypted =
            TestScheduler.builder().config(c -> c.withTls(pem.cert(), pem.key(), null)).start();
        TestScheduler mutual =
            TestScheduler.builder()
                .config(c -> c.withTls(pem.cert(), pem.key(), client.cert()))
                .start()) {
      Result suite =
          run(
              project,
              List.of("node", "--test", "--test-reporter=spec"),
              Map.ofEntries(
                  Map.entry("TASKHUB_ENDPOINT", "localhost:" + server.grpcPort()),
                  Map.entry("TASKHUB_AUTH_ENDPOINT", "localhost:" + guarded.grpcPort()),
                  Map.entry("TASKHUB_TOKEN", JS_TOKEN),
                  Map.entry("TASKHUB_TLS_ENDPOINT", "localhost:" + encrypted.grpcPort()),
                  Map.entry("TASKHUB_TLS_CA", pem.cert().toString()),
                  Map.entry("TASKHUB_MTLS_ENDPOINT", "localhost:" + mutual.grpcPort()),
                  Map.entry("TASKHUB_MTLS_CLIENT_CERT", client.cert().toString()),
                  Map.entry("TASKHUB_MTLS_CLIENT_KEY", client.key().toString()),
                  Map.entry("TASKHUB_MTLS_STRANGER_CERT", stranger.cert().toString()),
                  Map.entry("TASKHUB_MTLS_STRANGER_KEY", stranger.key().toString())),
              SUITE_TIMEOUT);

      assertThat(suite.exitCode())
          .withFailMessage("node --test exited %d:%n%s", suite.exitCode(), suite.output())
          .isZero();
    }
  }

  private static final String JS_TOKEN = "js-suite-token";

  private record Result(int exitCode, String output) {}

  /**
   * Runs a command in a directory, logging each line of its merged output as it comes; kills it
   * (and anything it started) when it outlives {@code timeout} or the test is interrupted.
   */
  private static Result run(
      Path directory, List<String> command, Map<String, String> environment, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.environment().remove("FORCE_COLOR");
    builder.environment().put("NO_COLOR", "1");
    log.info("Running {} in {}", String.join(" ", command), directory);
    Process process = builder.start();
    StringBuilder output = new StringBuilder();
    Thread reader =
        Thread.ofPlatform()
            .daemon()
            .name(command.getFirst() + "-output")
            .start(() -> copyLines(command.getFirst(), process, output));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        reader.join(Duration.ofSeconds(5));
        fail("%s did not finish within %s; output so far:%n%s", command, timeout, snapshot(output));
      }
      reader.join(Duration.ofSeconds(5));
      return new Result(process.exitValue(), snapshot(output));
    } finally {
      kill(process);
    }
  }

  private static void copyLines(String tool, Process process, StringBuilder output) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        log.info("[{}] {}", tool, line);
        synchronized (output) {
          output.append(line).append(System.lineSeparator());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the output of " + process, e);
    }
  }

  private static String snapshot(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Skips the test without the tool, unless this is CI, where a missing tool fails the build. */
  private static void requireOnPath(String tool) {
    boolean found =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    if (found) {
      return;
    }
    String reason = "'" + tool + "' is not on the PATH; the JavaScript SDK suite needs Node.js 20+";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(reason + " (CI=true, so this is a failure, not a skip)");
    }
    Assumptions.abort(reason);
  }

  /** {@code compat/js} of this checkout, found upwards from the working directory. */
  private static Path compatProject() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("compat").resolve("js");
      if (Files.isRegularFile(candidate.resolve("package-lock.json"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "No compat/js/package-lock.json above " + Path.of("").toAbsolutePath());
  }

  /**
   * True when {@code node_modules} is missing or older than the lock file. npm writes {@code
   * node_modules/.package-lock.json} on every install, so its time is the time of the last install.
   */
  private static boolean dependenciesOutOfDate(Path project) throws IOException {
    Path installed = project.resolve("node_modules").resolve(".package-lock.json");
    return !Files.exists(installed)
        || Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(project.resolve("package-lock.json")))
            < 0;
  }
}
