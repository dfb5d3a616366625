package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code taskhub watch ID}: follows an instance until it ends. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Follow an instance until it ends: status, custom status, activities done/scheduled"
          + " (a progress bar on a terminal, a line per change otherwise, JSON lines with -o json).",
      "Exits 0 when it completed, 1 if it failed, was terminated or canceled."
    },
    footer = {
      "",
      "Examples:",
      "  taskhub watch 3f2a9c",
      "  taskhub watch 3f2a9c -o json | tail -1"
    })
final class WatchCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
  String instanceId;

  @Override
  int run(TaskhubClient client) {
    return new Watch(client, out(), terminal(), json(), session.clock()).follow(instanceId);
  }
}
