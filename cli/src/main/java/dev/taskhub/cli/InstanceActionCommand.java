package dev.taskhub.cli;

import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command that changes one instance and says so: {@code terminate}, {@code suspend}, {@code
 * resume}, {@code rewind} ({@code ID [--reason TEXT]}).
 */
abstract class InstanceActionCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
  String instanceId;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why; kept with the instance.")
  String reason;

  /** Asks the scheduler for the change. */
  abstract void apply(TaskhubClient client);

  /** What was done, for the line people read: {@code Terminated}. */
  abstract String done();

  @Override
  final int run(TaskhubClient client) {
    apply(client);
    say(done() + " " + instanceId);
    printAction(instanceId, spec.name());
    return ExitCodes.OK;
  }
}
