package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.testing.TestScheduler;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code taskhub purge}: by id, and by filter with its question and its progress. */
class PurgeCommandTest {
  private TestScheduler scheduler;
  private Cli cli;

  @BeforeEach
  void startSchedulerAndWorker() {
    scheduler = TestScheduler.builder().start();
    Workflows.startWorker(scheduler);
    cli = Cli.against(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  private void completed(String id) {
    Cli.Result result = cli.run("start", "FanOutFanIn", "--input", "[\"p\"]", "--id", id, "--wait");
    assertThat(result.code()).as("%s", result).isZero();
  }

  private List<String> allIds() {
    return cli.run("list", "--limit", "0", "-o", "json").jsonLines().stream()
        .map(line -> line.path("instanceId").asText())
        .toList();
  }

  @Test
  void purgeByIdDeletesTheInstanceAndAnUnknownIdExitsOne() {
    completed("gone-1");
    Cli.Result purged = cli.run("purge", "gone-1", "-o", "json");
    assertThat(purged.code()).as("%s", purged).isZero();
    assertThat(purged.json().path("purged").asInt()).isEqualTo(1);
    assertThat(allIds()).doesNotContain("gone-1");

    Cli.Result again = cli.run("purge", "gone-1");
    assertThat(again.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(again.errLines())
        .containsExactly("taskhub purge: No instance with ID 'gone-1' was found");
  }

  @Test
  void purgingARunningInstanceIsRefusedWithExitOne() {
    cli.run("start", "Approval", "--id", "busy-1");
    Cli.Result refused = cli.run("purge", "busy-1");
    assertThat(refused.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.errLines()).hasSize(1).first().asString().startsWith("taskhub purge: ");
    assertThat(allIds()).contains("busy-1");
  }

  @Test
  void aFilterPurgeWithYesDeletesEveryMatchAndShowsItsProgress() {
    IntStream.range(0, 12).forEach(i -> completed("old-" + i));
    cli.run("start", "Approval", "--id", "still-running");

    Cli.Result purged = cli.run("purge", "--status", "completed", "--created-after", "1h", "--yes");
    assertThat(purged.code()).as("%s", purged).isZero();
    // plain progress lines (no terminal), then the total
    assertThat(purged.out()).contains("12/12 purged").contains("Purged 12 of 12 instances");
    assertThat(purged.out()).doesNotContain("\r");
    assertThat(allIds()).containsExactly("still-running");
  }

  @Test
  void aFilterPurgeOnATerminalAsksFirstAndDrawsABar() {
    IntStream.range(0, 3).forEach(i -> completed("ask-" + i));

    Cli.Result declined = cli.onTerminal(false).typing("n\n").run("purge", "--older-than", "0s");
    assertThat(declined.out()).contains("Purge 3 instances (COMPLETED,FAILED,CANCELED,TERMINATED");
    assertThat(declined.out()).contains("Nothing purged");
    assertThat(declined.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(allIds()).hasSize(3);

    Cli.Result accepted = cli.onTerminal(false).typing("y\n").run("purge", "--older-than", "0s");
    assertThat(accepted.code()).as("%s", accepted).isZero();
    assertThat(accepted.out()).contains("\r").contains("█").contains("3/3 purged");
    assertThat(allIds()).isEmpty();
  }

  @Test
  void aFilterPurgeWithoutATerminalOrYesIsAUsageError() {
    completed("keep-1");
    Cli.Result refused = cli.run("purge", "--older-than", "0s");
    assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.errLines())
        .singleElement()
        .asString()
        .startsWith("taskhub purge: 1 instances match (COMPLETED,FAILED,CANCELED,TERMINATED")
        .endsWith("add --yes to purge them without a terminal");
    assertThat(allIds()).containsExactly("keep-1");
  }

  @Test
  void aFilterPurgeInJsonCountsWhatMatchedAndWhatWasPurged() {
    completed("j-1");
    completed("j-2");
    JsonNode counts = cli.run("purge", "--status", "completed", "--yes", "-o", "json").json();
    assertThat(counts.path("matched").asInt()).isEqualTo(2);
    assertThat(counts.path("purged").asInt()).isEqualTo(2);
  }

  @Test
  void purgeNeedsAnIdOrAFilterOfEndedStatuses() {
    assertThat(cli.run("purge").code()).isEqualTo(ExitCodes.USAGE);
    Cli.Result running = cli.run("purge", "--status", "running", "--yes");
    assertThat(running.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(running.err()).contains("ended instances only");
    assertThat(cli.run("purge", "x", "--status", "completed").code()).isEqualTo(ExitCodes.USAGE);
  }
}
