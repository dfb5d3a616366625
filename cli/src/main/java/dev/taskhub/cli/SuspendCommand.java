package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;

/** {@code taskhub suspend ID}: pauses an instance; events keep arriving meanwhile. */
@Command(
    name = "suspend",
    mixinStandardHelpOptions = true,
    description = "Suspend an instance: it receives events but runs nothing until resumed.",
    footer = {"", "Example:", "  taskhub suspend 3f2a9c --reason 'maintenance window'"})
final class SuspendCommand extends InstanceActionCommand {
  @Override
  void apply(TaskhubClient client) {
    client.suspend(instanceId, reason);
  }

  @Override
  String done() {
    return "Suspended";
  }
}
