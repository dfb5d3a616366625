package dev.taskhub.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's demo command as a user would, in a child process ({@code ./taskhub demo}, on
 * free ports and a temporary store), reads what it prints, checks it, then stops it with SIGTERM.
 */
class DemoCommandTest {
  private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
  private static final Duration STARTUP_BOUND = Duration.ofMinutes(4); // a rebuild may come first

  @Test
  void theDemoPrintsTheSeedsOutputAndKeepsServingUntilStopped(@TempDir Path data) throws Exception {
    Process demo =
        new ProcessBuilder(
                REPO.resolve("taskhub").toString(),
                "demo",
                "--grpc-port=0",
                "--http-port=0",
                "--app-port=0",
                "--store=" + data.resolve("taskhub.db"))
            .directory(REPO.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(data.resolve("demo.log").toFile()))
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> pump(demo, lines));
    try {
      String printed = readUntil(lines, "Serving until Ctrl-C.", data);

      JsonNode output =
          new ObjectMapper()
              .readTree(printed.substring(printed.indexOf('{'), printed.indexOf("\n}") + 2));
      assertThat(output.get("total_items_processed").asInt()).isEqualTo(3);
      assertThat(output.get("processed_items"))
          .extracting(JsonNode::asText)
          .containsExactly("Processed_Task1", "Processed_Task2", "Processed_Task3");
      long total = output.get("total_value").asLong();
      assertThat(total).isBetween(30L, 300L);
      assertThat(output.get("average_value").asDouble())
          .isEqualTo(Math.round(total * 100 / 3.0) / 100.0);
      assertThat(output.get("total_processing_time").asDouble()).isBetween(1.5, 6.0);
      assertThat(output.get("success").asBoolean()).isTrue();
      assertThat(printed)
          .contains("Dashboard      http://localhost:", "curl -X POST http://localhost:");

      // The seed's second curl command, against the trigger the demo printed.
      Matcher trigger = Pattern.compile("HTTP trigger\\s+(\\S+)").matcher(printed);
      assertThat(trigger.find()).isTrue();
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> started =
            http.send(
                HttpRequest.newBuilder(URI.create(trigger.group(1)))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"workItems\": [\"Task1\", \"Task2\", \"Task3\", \"Task4\", \"Task5\", \"Task6\"]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      }
      assertThat(demo.isAlive()).isTrue();
    } finally {
      demo.destroy(); // SIGTERM, as Ctrl-C would
      boolean exited = demo.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        demo.destroyForcibly();
      }
      assertThat(exited).as("the demo stops on SIGTERM").isTrue();
    }
  }

  private static void pump(Process process, BlockingQueue<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      reader.lines().forEach(lines::add);
    } catch (IOException | java.io.UncheckedIOException e) {
      lines.add("(output ended: " + e + ")");
    }
  }

  private static String readUntil(BlockingQueue<String> lines, String last, Path data)
      throws InterruptedException, IOException {
    StringBuilder printed = new StringBuilder();
    long deadline = System.nanoTime() + STARTUP_BOUND.toNanos();
    while (true) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        List<String> log = Files.readAllLines(data.resolve("demo.log"));
        throw new AssertionError(
            "The demo did not print '"
                + last
                + "' within "
                + STARTUP_BOUND
                + ". It printed:\n"
                + printed
                + "\nIts log:\n"
                + String.join("\n", log));
      }
      printed.append(line).append('\n');
      if (line.equals(last)) {
        return printed.toString();
      }
    }
  }
}
