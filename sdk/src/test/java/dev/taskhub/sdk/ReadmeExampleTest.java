package dev.taskhub.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java example is the compiled example test, line for line, so it cannot drift. */
class ReadmeExampleTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path EXAMPLE =
      Path.of("src", "test", "java", "dev", "taskhub", "sdk", "FanOutFanInExampleTest.java");

  @Test
  void theReadmeExampleAppearsInOrderInTheExampleTest() throws IOException {
    String readme = Files.readString(README);
    int section = readme.indexOf("## Writing workflows in Java");
    assertThat(section).as("README section 'Writing workflows in Java'").isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    List<String> snippet =
        readme.substring(start, readme.indexOf("```", start)).lines().map(String::strip).toList();
    List<String> example = Files.readAllLines(EXAMPLE).stream().map(String::strip).toList();

    int at = 0;
    for (String line : snippet) {
      if (line.isEmpty()) {
        continue;
      }
      int found = example.subList(at, example.size()).indexOf(line);
      assertThat(found)
          .as("README line not found (in order) in %s: %s", EXAMPLE, line)
          .isNotNegative();
      at += found + 1;
    }
  }
}
