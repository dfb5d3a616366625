package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The README's Java examples are compiled example tests, line for line, so they cannot drift. */
class ReadmeExampleTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path TESTS = Path.of("src", "test", "java", "dev", "taskhub", "sdk");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "Writing workflows in Java, FanOutFanInExampleTest.java",
    "Durable entities in Java, EntityExampleTest.java",
    "Schedules, ScheduleExampleTest.java"
  })
  void theReadmeExampleAppearsInOrderInItsExampleTest(String section, String file)
      throws IOException {
    Path example = TESTS.resolve(file);
    String readme = Files.readString(README);
    int at = readme.indexOf("## " + section);
    assertThat(at).as("README section '%s'", section).isNotNegative();
    int start = readme.indexOf("```java\n", at) + "```java\n".length();
    List<String> snippet =
        readme.substring(start, readme.indexOf("```", start)).lines().map(String::strip).toList();
    List<String> lines = Files.readAllLines(example).stream().map(String::strip).toList();

    int from = 0;
    for (String line : snippet) {
      if (line.isEmpty()) {
        continue;
      }
      int found = lines.subList(from, lines.size()).indexOf(line);
      assertThat(found)
          .as("README line not found (in order) in %s: %s", example, line)
          .isNotNegative();
      from += found + 1;
    }
  }
}
