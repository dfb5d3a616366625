package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskhub.server.testing.TestScheduler;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What goes wrong gets the right exit code and one line on standard error naming it: an unknown id
 * (1), JSON that does not parse, an unknown flag, a bad time or connection string (2), a scheduler
 * that is not there (3).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private TestScheduler scheduler;
  private Cli cli;

  @BeforeAll
  void startScheduler() {
    scheduler = TestScheduler.builder().start();
    cli = Cli.against(scheduler);
  }

  @AfterAll
  void stop() {
    scheduler.close();
  }

  @Test
  void anUnknownIdExitsOneWithOneLineNamingIt() {
    for (String command : new String[] {"status", "watch", "history", "terminate", "suspend"}) {
      Cli.Result result = cli.run(command, "no-such-id");
      assertThat(result.code()).as("%s: %s", command, result).isEqualTo(ExitCodes.FAILED);
      assertThat(result.errLines())
          .as(command)
          .singleElement()
          .asString()
          .startsWith("taskhub " + command + ": ")
          .contains("no-such-id");
      assertThat(result.out()).isEmpty();
    }
    Cli.Result raise = cli.run("raise", "no-such-id", "Approval", "1");
    assertThat(raise.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(raise.errLines()).singleElement().asString().contains("no-such-id");
  }

  @Test
  void malformedJsonIsAUsageErrorNamingWhereItBroke() {
    Cli.Result result = cli.run("start", "FanOutFanIn", "--input", "[\"a\", ");
    assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("taskhub start: --input is not valid JSON: ")
        .contains("line 1, column");

    Cli.Result trailing = cli.run("raise", "x", "E", "{} extra");
    assertThat(trailing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(trailing.errLines()).singleElement().asString().contains("not valid JSON");

    Cli.Result missingFile = cli.run("start", "FanOutFanIn", "--input", "@/no/such/file.json");
    assertThat(missingFile.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missingFile.errLines()).singleElement().asString().contains("/no/such/file.json");
  }

  @Test
  void anUnknownFlagOrAMissingArgumentIsAUsageError() {
    Cli.Result unknown = cli.run("list", "--bogus");
    assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.errLines())
        .singleElement()
        .isEqualTo("taskhub list: Unknown option: '--bogus' (see 'taskhub list --help')");

    Cli.Result missing = Cli.bare().run("status");
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.errLines())
        .singleElement()
        .asString()
        .contains("Missing required parameter");

    Cli.Result command = Cli.bare().run("frobnicate");
    assertThat(command.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(command.errLines()).singleElement().asString().contains("frobnicate");
  }

  @Test
  void badTimesStatusesAndConnectionStringsAreUsageErrors() {
    Cli.Result time = cli.run("list", "--created-after", "yesterday");
    assertThat(time.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(time.errLines()).singleElement().asString().contains("'yesterday' is not a time");

    Cli.Result status = cli.run("list", "--status", "sleeping");
    assertThat(status.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(status.errLines()).singleElement().asString().contains("sleeping");

    Cli.Result connection = Cli.bare().run("list", "--connection-string", "Endpoint=x");
    assertThat(connection.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(connection.errLines()).singleElement().asString().startsWith("taskhub list: ");
  }

  @Test
  void anUnreachableSchedulerExitsThreeNamingTheAddress() throws IOException {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }
    Cli.Result result = Cli.bare().run("list", "--endpoint", "localhost:" + freePort);
    assertThat(result.code()).as("%s", result).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("taskhub list: cannot reach the scheduler at localhost:" + freePort);

    Cli.Result hubs = Cli.bare().run("hubs", "--http-endpoint", "http://localhost:" + freePort);
    assertThat(hubs.code()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(hubs.errLines()).singleElement().asString().contains("cannot reach the scheduler");
  }
}
