package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code taskhub terminate ID}: ends an instance as TERMINATED. */
@Command(
    name = "terminate",
    mixinStandardHelpOptions = true,
    description = "Terminate an instance; the reason becomes its output.",
    footer = {"", "Example:", "  taskhub terminate 3f2a9c --reason 'stuck on a bad input'"})
final class TerminateCommand extends InstanceActionCommand {
  @Option(names = "--recursive", description = "Terminate its sub-orchestrations too.")
  boolean recursive;

  @Override
  void apply(TaskhubClient client) {
    client.terminate(instanceId, reason, recursive);
  }

  @Override
  String done() {
    return "Terminated";
  }
}
