package dev.taskhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code taskhub --help} lists every command; each command's help has an example; completion. */
class HelpAndCompletionTest {
  static final List<String> COMMANDS =
      List.of(
          "serve",
          "token",
          "start",
          "status",
          "list",
          "history",
          "watch",
          "raise",
          "terminate",
          "suspend",
          "resume",
          "restart",
          "rewind",
          "purge",
          "hubs",
          "entity",
          "completion");

  @Test
  void rootHelpListsEveryCommandAndTheExitCodes() {
    Cli.Result help = Cli.bare().run("--help");
    assertThat(help.code()).isZero();
    for (String command : COMMANDS) {
      assertThat(help.out()).as(command).containsPattern("(?m)^\\s+" + command + "\\s");
    }
    assertThat(help.out()).contains("Exit codes: 0 ok; 1").contains("Examples:");
  }

  @Test
  void everyCommandsHelpHasAnExampleAndClientCommandsTheConnectionOptions() {
    for (String command : COMMANDS) {
      Cli.Result help = Cli.bare().run(command, "--help");
      assertThat(help.code()).as(command).isZero();
      assertThat(help.out()).as(command).containsPattern("Examples?:");
      assertThat(help.out()).as(command).contains("taskhub " + command);
    }
    for (String[] nested :
        new String[][] {
          {"entity", "get"},
          {"entity", "list"},
          {"entity", "signal"},
          {"entity", "clean"},
          {"hubs", "create"},
          {"hubs", "delete"}
        }) {
      Cli.Result help = Cli.bare().run(nested[0], nested[1], "--help");
      assertThat(help.out()).as(String.join(" ", nested)).contains("Example:");
      assertThat(help.out()).contains("--endpoint").contains("--connection-string");
    }
    assertThat(Cli.bare().run("start", "--help").out())
        .contains("--endpoint")
        .contains("--task-hub")
        .contains("--token")
        .contains("--trusted-certificates")
        .contains("--output");
  }

  @Test
  void completionPrintsABashScriptForEveryCommandAndAZshWrapper() {
    Cli.Result bash = Cli.bare().run("completion", "bash");
    assertThat(bash.code()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("purge").contains("--older-than");
    Cli.Result zsh = Cli.bare().run("completion", "zsh");
    assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("bashcompinit");
    assertThat(Cli.bare().run("completion", "fish").code()).isEqualTo(ExitCodes.USAGE);
  }
}
