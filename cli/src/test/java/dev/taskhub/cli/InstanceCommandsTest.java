package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.server.testing.TestScheduler;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The instance commands against a real scheduler (in-process, port 0) and a Taskhub SDK worker:
 * start → status → watch → history → list with each filter, then raise, suspend, resume, terminate,
 * restart and rewind, each in table and JSON output, with their exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceCommandsTest {
  private TestScheduler scheduler;
  private Cli cli;

  @BeforeAll
  void startSchedulerAndWorker() {
    scheduler = TestScheduler.builder().start();
    Workflows.startWorker(scheduler);
    cli = Cli.against(scheduler);
  }

  @AfterAll
  void stop() {
    scheduler.close();
  }

  private String status(String id) {
    return cli.run("status", id, "-o", "json").json().path("status").asText();
  }

  @Test
  void startStatusWatchAndHistoryFollowAFanOutToItsOutput() {
    Cli.Result started =
        cli.run("start", "FanOutFanIn", "--input", "[\"a\",\"bb\",\"ccc\"]", "--id", "fan-1");
    assertThat(started.code()).as("%s", started).isZero();
    assertThat(started.out().strip()).isEqualTo("fan-1");

    Cli.Result watched = cli.run("watch", "fan-1");
    assertThat(watched.code()).as("%s", watched).isZero();
    assertThat(watched.out()).contains("4/4 activities").contains("COMPLETED");
    assertThat(watched.out()).contains("Output").contains("\"total\":60");

    Cli.Result status = cli.run("status", "fan-1");
    assertThat(status.code()).isZero();
    assertThat(status.out())
        .containsPattern("Instance\\s+fan-1")
        .containsPattern("Name\\s+FanOutFanIn")
        .containsPattern("Status\\s+COMPLETED")
        .containsPattern(
            "Created\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\((just now|\\d+s ago)\\)")
        .contains("[\"a\",\"bb\",\"ccc\"]");

    JsonNode json = cli.run("status", "fan-1", "-o", "json").json();
    assertThat(json.path("instanceId").asText()).isEqualTo("fan-1");
    assertThat(json.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(json.path("input").isArray()).isTrue();
    assertThat(json.path("output").path("total").asInt()).isEqualTo(60);
    assertThat(json.path("output").path("processed").toString())
        .isEqualTo("[\"a\",\"bb\",\"ccc\"]");

    Cli.Result history = cli.run("history", "fan-1");
    assertThat(history.code()).isZero();
    assertThat(history.out())
        .containsPattern("#\\s+AFTER\\s+EVENT\\s+DETAIL")
        .contains("ExecutionStarted")
        .containsPattern("TaskScheduled\\s+ProcessItem #\\d+ \"bb\"")
        .containsPattern("TaskCompleted\\s+ProcessItem #\\d+")
        .containsPattern("ExecutionCompleted\\s+COMPLETED");

    List<JsonNode> events = cli.run("history", "fan-1", "-o", "json").jsonLines();
    assertThat(events).anySatisfy(e -> assertThat(e.has("executionStarted")).isTrue());
    assertThat(events.stream().filter(e -> e.has("taskScheduled"))).hasSize(4);
    assertThat(events).last().satisfies(e -> assertThat(e.has("executionCompleted")).isTrue());
  }

  @Test
  void historyTimesCountFromTheEarliestEventEvenWhenItIsNotTheFirst() {
    // no worker hosts it: terminated while pending, its history begins with the termination's
    // OrchestratorStarted, after the events it carries
    cli.run("start", "NobodyHostsIt", "--id", "unhosted-1");
    assertThat(cli.run("raise", "unhosted-1", "Ping", "{}").code()).isZero();
    assertThat(cli.run("terminate", "unhosted-1").code()).isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cli.run("status", "unhosted-1").out().contains("TERMINATED"));
    Cli.Result history = cli.run("history", "unhosted-1");
    assertThat(history.code()).isZero();
    assertThat(history.out()).contains("ExecutionStarted").doesNotContain("+-");
  }

  @Test
  void startWithWaitFollowsItAndJsonEndsWithTheInstance() {
    Cli.Result result =
        cli.run(
            "start",
            "FanOutFanIn",
            "--input",
            "[\"x\"]",
            "--tag",
            "team=ops",
            "--wait",
            "-o",
            "json");
    assertThat(result.code()).as("%s", result).isZero();
    List<JsonNode> lines = result.jsonLines();
    String id = lines.get(0).path("instanceId").asText();
    assertThat(id).isNotBlank();
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.path("instanceId").asText()).isEqualTo(id);
    assertThat(last.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(last.path("tags").path("team").asText()).isEqualTo("ops");
    // the progress lines between: status and activities done/scheduled
    assertThat(lines.subList(1, lines.size() - 1))
        .allSatisfy(line -> assertThat(line.has("activitiesScheduled")).isTrue())
        .anySatisfy(line -> assertThat(line.path("activitiesCompleted").asInt()).isEqualTo(2));
  }

  @Test
  void watchOnATerminalDrawsAProgressBar() {
    cli.run("start", "FanOutFanIn", "--input", "[\"a\",\"b\"]", "--id", "bar-1");
    Cli.Result watched = cli.onTerminal(true).run("watch", "bar-1");
    assertThat(watched.code()).isZero();
    assertThat(watched.out()).contains("\r").contains("█").contains("3/3 activities");
    assertThat(watched.out()).contains("\u001b[32mCOMPLETED");
  }

  @Test
  void startLaterWithAtKeepsItPendingUntilThen() {
    Cli.Result started =
        cli.run("start", "FanOutFanIn", "--input", "[]", "--id", "later-1", "--at", "1h");
    assertThat(started.code()).isZero();
    assertThat(status("later-1")).isEqualTo("PENDING");
    assertThat(cli.run("terminate", "later-1").code()).isZero();
  }

  @Test
  void listFiltersByStatusNameIdPrefixCreationTimeAndTagsAndPages() {
    cli.run("start", "FanOutFanIn", "--input", "[\"q\"]", "--id", "list-a", "--tag", "k=1");
    cli.run("start", "Approval", "--id", "list-b", "--tag", "k=2");
    cli.run("start", "FanOutFanIn", "--input", "[\"q\"]", "--id", "list-c", "--tag", "k=1");
    await().atMost(Duration.ofSeconds(20)).until(() -> status("list-c").equals("COMPLETED"));
    await().atMost(Duration.ofSeconds(20)).until(() -> status("list-a").equals("COMPLETED"));
    await().atMost(Duration.ofSeconds(20)).until(() -> status("list-b").equals("RUNNING"));

    assertThat(ids("--id-prefix", "list-")).containsExactly("list-a", "list-b", "list-c");
    assertThat(ids("--id-prefix", "list-", "--status", "running")).containsExactly("list-b");
    assertThat(ids("--id-prefix", "list-", "--status", "completed,running")).hasSize(3);
    assertThat(ids("--id-prefix", "list-", "--name", "Appro")).containsExactly("list-b");
    assertThat(ids("--id-prefix", "list-", "--tag", "k=1")).containsExactly("list-a", "list-c");
    assertThat(ids("--id-prefix", "list-", "--created-after", "1h")).hasSize(3);
    assertThat(ids("--id-prefix", "list-", "--created-before", "1h")).isEmpty();
    assertThat(ids("--id-prefix", "list-", "--created-after", "2020-01-01")).hasSize(3);
    assertThat(ids("--id-prefix", "list-", "--limit", "2", "--page-size", "1"))
        .containsExactly("list-a", "list-b");

    Cli.Result table = cli.run("list", "--id-prefix", "list-", "--limit", "2");
    assertThat(table.out())
        .containsPattern("INSTANCE ID\\s+NAME\\s+STATUS\\s+CREATED\\s+UPDATED")
        .containsPattern("list-b\\s+Approval\\s+RUNNING\\s+(just now|\\d+s ago)")
        .contains("more; raise --limit");
    assertThat(cli.run("list", "--id-prefix", "nothing-").out()).contains("No instances match.");
    cli.run("terminate", "list-b");
  }

  private List<String> ids(String... filters) {
    String[] args = new String[filters.length + 3];
    args[0] = "list";
    System.arraycopy(filters, 0, args, 1, filters.length);
    args[filters.length + 1] = "-o";
    args[filters.length + 2] = "json";
    Cli.Result result = cli.run(args);
    assertThat(result.code()).as("%s", result).isZero();
    return result.jsonLines().stream().map(line -> line.path("instanceId").asText()).toList();
  }

  @Test
  void raiseDeliversTheEventAndItsJsonToTheOrchestration() {
    cli.run("start", "Approval", "--id", "raise-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> status("raise-1").equals("RUNNING"));

    Cli.Result raised = cli.run("raise", "raise-1", "Approval", "{\"approved\": true}");
    assertThat(raised.code()).as("%s", raised).isZero();
    assertThat(raised.out()).contains("Raised Approval on raise-1");

    Cli.Result watched = cli.run("watch", "raise-1", "-o", "json");
    JsonNode last = watched.jsonLines().getLast();
    assertThat(last.path("output").path("approved").asBoolean()).isTrue();
  }

  @Test
  void suspendResumeAndTerminateChangeTheStatusAndTerminatedExitsOne() {
    cli.run("start", "Approval", "--id", "life-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> status("life-1").equals("RUNNING"));

    Cli.Result suspended = cli.run("suspend", "life-1", "--reason", "maintenance", "-o", "json");
    assertThat(suspended.code()).isZero();
    assertThat(suspended.json().path("action").asText()).isEqualTo("suspend");
    await().atMost(Duration.ofSeconds(20)).until(() -> status("life-1").equals("SUSPENDED"));

    assertThat(cli.run("resume", "life-1").out()).contains("Resumed life-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> status("life-1").equals("RUNNING"));

    Cli.Result terminated = cli.run("terminate", "life-1", "--reason", "not needed");
    assertThat(terminated.code()).isZero();
    assertThat(terminated.out()).contains("Terminated life-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> status("life-1").equals("TERMINATED"));

    Cli.Result status = cli.run("status", "life-1", "-o", "json");
    assertThat(status.code()).as("a terminated instance exits 1").isEqualTo(ExitCodes.FAILED);
    assertThat(status.json().path("output").asText()).isEqualTo("not needed");
    assertThat(cli.run("watch", "life-1").code()).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void restartRunsAnEndedInstanceAgainUnderItsIdOrANewOne() {
    cli.run("start", "FanOutFanIn", "--input", "[\"r\"]", "--id", "again-1", "--wait");

    Cli.Result sameId = cli.run("restart", "again-1");
    assertThat(sameId.code()).as("%s", sameId).isZero();
    assertThat(sameId.out().strip()).isEqualTo("again-1");
    assertThat(cli.run("watch", "again-1").code()).isZero();

    Cli.Result newId = cli.run("restart", "again-1", "--new-id", "-o", "json");
    JsonNode json = newId.json();
    assertThat(json.path("restartedFrom").asText()).isEqualTo("again-1");
    String id = json.path("instanceId").asText();
    assertThat(id).isNotEqualTo("again-1");
    assertThat(cli.run("watch", id).code()).isZero();
  }

  @Test
  void aFailedInstanceExitsOneAndRewindRunsItToCompletion() {
    Workflows.FAILING.set(true);
    Cli.Result failed = cli.run("start", "Flaky", "--id", "flaky-1", "--wait");
    assertThat(failed.code()).as("%s", failed).isEqualTo(ExitCodes.FAILED);
    assertThat(failed.out()).contains("FAILED").contains("the database is down");
    assertThat(cli.run("status", "flaky-1").code()).isEqualTo(ExitCodes.FAILED);

    Workflows.FAILING.set(false);
    Cli.Result rewound = cli.run("rewind", "flaky-1", "--reason", "the database is back");
    assertThat(rewound.code()).as("%s", rewound).isZero();
    assertThat(rewound.out()).contains("Rewound flaky-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> !status("flaky-1").equals("FAILED"));
    Cli.Result watched = cli.run("watch", "flaky-1", "-o", "json");
    assertThat(watched.code()).as("%s", watched).isZero();
    assertThat(watched.jsonLines().getLast().path("output").asText()).isEqualTo("fine");
  }

  @Test
  void theEnvironmentsConnectionStringIsUsedWithoutEndpoint() {
    Cli.Result result =
        Cli.bare()
            .withEnv(
                java.util.Map.of(
                    ConnectionOptions.CONNECTION_STRING_ENV,
                    "Endpoint=http://localhost:"
                        + scheduler.grpcPort()
                        + ";Authentication=None;TaskHub=default"))
            .run("list", "--limit", "1");
    assertThat(result.code()).as("%s", result).isZero();
  }
}
