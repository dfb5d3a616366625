package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;

/** {@code taskhub resume ID}: resumes a suspended instance. */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = "Resume a suspended instance.",
    footer = {"", "Example:", "  taskhub resume 3f2a9c"})
final class ResumeCommand extends InstanceActionCommand {
  @Override
  void apply(TaskhubClient client) {
    client.resume(instanceId, reason);
  }

  @Override
  String done() {
    return "Resumed";
  }
}
