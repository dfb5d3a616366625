package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code taskhub entity …} with an SDK worker hosting a counter, and {@code taskhub hubs …}. */
class EntityAndHubsCommandsTest {
  private TestScheduler scheduler;
  private Cli cli;

  @BeforeEach
  void startScheduler() {
    scheduler =
        TestScheduler.builder().http().config(config -> config.withHubManagement(true)).start();
    Workflows.startWorker(scheduler);
    cli = Cli.against(scheduler);
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void signalThenGetAndListShowTheEntitysState() {
    assertThat(cli.run("entity", "signal", "counter@visits", "add", "5").code()).isZero();
    Cli.Result second = cli.run("entity", "signal", "@counter@visits", "add", "7", "-o", "json");
    assertThat(second.json().path("entityId").asText()).isEqualTo("@counter@visits");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                cli.run("entity", "get", "counter@visits", "-o", "json")
                        .json()
                        .path("state")
                        .asInt()
                    == 12);
    Cli.Result table = cli.run("entity", "get", "counter@visits");
    assertThat(table.out())
        .containsPattern("Entity\\s+@counter@visits")
        .containsPattern("State\\s+12");

    cli.run("entity", "signal", "counter@other", "add", "1");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cli.run("entity", "list", "-o", "json").jsonLines().size() == 2);
    List<JsonNode> listed =
        cli.run("entity", "list", "--prefix", "counter@v", "-o", "json").jsonLines();
    assertThat(listed)
        .singleElement()
        .satisfies(e -> assertThat(e.path("key").asText()).isEqualTo("visits"));
    assertThat(cli.run("entity", "list").out()).containsPattern("ENTITY\\s+MODIFIED");

    Cli.Result clean = cli.run("entity", "clean", "-o", "json");
    assertThat(clean.code()).isZero();
    assertThat(clean.json().has("emptyEntitiesRemoved")).isTrue();
  }

  @Test
  void anUnknownOrMalformedEntityIdIsReported() {
    Cli.Result unknown = cli.run("entity", "get", "counter@nobody");
    assertThat(unknown.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(unknown.errLines()).singleElement().asString().contains("@counter@nobody");
    assertThat(cli.run("entity", "get", "no-at-sign").code()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void hubsListsCreatesAndDeletesTaskHubs() {
    String http = "http://localhost:" + scheduler.httpPort();
    Cli.Result listed = cli.run("hubs", "--http-endpoint", http);
    assertThat(listed.code()).as("%s", listed).isZero();
    assertThat(listed.out()).containsPattern("default\\s+\\(default\\)");

    assertThat(cli.run("hubs", "create", "staging").code()).isZero();
    JsonNode info = cli.run("hubs", "--http-endpoint", http, "-o", "json").json();
    assertThat(info.path("taskHubs").toString()).contains("staging");

    Cli.Result started = cli.run("start", "FanOutFanIn", "--input", "[]", "--task-hub", "staging");
    assertThat(started.code()).as("%s", started).isZero();

    assertThat(cli.run("hubs", "delete", "staging").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cli.run("hubs", "delete", "staging", "--yes").code()).isZero();
    Cli.Result gone = cli.run("list", "--task-hub", "staging");
    assertThat(gone.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(gone.errLines()).singleElement().asString().contains("Task hub not found");
  }
}
