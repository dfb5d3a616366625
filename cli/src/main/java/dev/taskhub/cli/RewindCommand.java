package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;

/** {@code taskhub rewind ID}: runs a failed instance again from before its failures. */
@Command(
    name = "rewind",
    mixinStandardHelpOptions = true,
    description =
        "Rewind a failed instance: its failed activities and sub-orchestrations run again, what"
            + " succeeded is kept.",
    footer = {"", "Example:", "  taskhub rewind 3f2a9c --reason 'the database is back'"})
final class RewindCommand extends InstanceActionCommand {
  @Override
  void apply(TaskhubClient client) {
    client.rewind(instanceId, reason);
  }

  @Override
  String done() {
    return "Rewound";
  }
}
