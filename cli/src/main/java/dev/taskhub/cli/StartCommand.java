package dev.taskhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskhub.sdk.client.StartOptions;
import dev.taskhub.sdk.client.TaskhubClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskhub start NAME}: starts an orchestration and prints its instance id. */
@Command(
    name = "start",
    description = "Start an orchestration; print its instance id.",
    footer = {
      "",
      "Examples:",
      "  taskhub start FanOutFanIn --input '[\"Task1\",\"Task2\"]' --wait",
      "  taskhub start Nightly --id nightly-2026-12-03 --at 2026-12-03T23:00:00Z --tag team=ops",
      "  taskhub start Report --input @report.json --version 2"
    })
final class StartCommand extends ClientCommand {
  // no mixinStandardHelpOptions: its -V/--version would take the orchestration's --version
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Parameters(index = "0", paramLabel = "NAME", description = "The orchestration's name.")
  String name;

  @Option(
      names = "--input",
      paramLabel = "JSON|@FILE",
      description = "The input, as JSON or @file holding JSON.")
  String input;

  @Option(names = "--id", paramLabel = "ID", description = "The instance id. Default: random")
  String id;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      converter = When.Converter.class,
      description = "Start later: an instant (2026-12-03T23:00:00Z) or a delay (10m, 2h).")
  When at;

  @Option(names = "--version", paramLabel = "VERSION", description = "The orchestration version.")
  String version;

  @Option(
      names = "--tag",
      paramLabel = "KEY=VALUE",
      description = "A tag stored with the instance; repeat for more.")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(names = "--wait", description = "Then follow it until it ends, as watch does.")
  boolean await;

  @Override
  int run(TaskhubClient client) {
    JsonNode parsedInput = input == null ? null : JsonInput.parse("--input", input);
    StartOptions options =
        StartOptions.defaults()
            .withInstanceId(id)
            .withVersion(version)
            .withTags(tags)
            .withStartAt(at == null ? null : at.fromNow(session.clock()));
    String instanceId = client.scheduleNewOrchestration(name, parsedInput, options);
    if (json()) {
      out().println(Json.line(Json.object().put("instanceId", instanceId).put("name", name)));
    } else {
      // the bare id, so that ID=$(taskhub start X) works
      out().println(instanceId);
    }
    out().flush();
    if (await) {
      return new Watch(client, out(), terminal(), json(), session.clock()).follow(instanceId);
    }
    return ExitCodes.OK;
  }
}
