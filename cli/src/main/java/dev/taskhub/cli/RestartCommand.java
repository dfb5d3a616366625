package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taskhub restart ID}: starts an ended instance again from its original input. */
@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    description =
        "Restart an ended instance from its original input, under its id (or a new one with"
            + " --new-id); print the id it runs under.",
    footer = {"", "Examples:", "  taskhub restart 3f2a9c", "  taskhub restart 3f2a9c --new-id"})
final class RestartCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
  String instanceId;

  @Option(names = "--new-id", description = "Run it under a new random id.")
  boolean newId;

  @Override
  int run(TaskhubClient client) {
    String runsAs = client.restart(instanceId, newId);
    if (json()) {
      out()
          .println(
              Json.line(
                  Json.object()
                      .put("instanceId", runsAs)
                      .put("restartedFrom", instanceId)
                      .put("action", "restart")));
    } else {
      out().println(runsAs);
    }
    return ExitCodes.OK;
  }
}
