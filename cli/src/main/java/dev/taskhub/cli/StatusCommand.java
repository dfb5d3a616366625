package dev.taskhub.cli;

import dev.taskhub.sdk.TaskhubException;
import dev.taskhub.sdk.client.OrchestrationMetadata;
import dev.taskhub.sdk.client.TaskhubClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code taskhub status ID}: one instance, with its payloads. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show an instance: status, times, tags, input, custom status, output, failure.",
      "Exits 1 if the instance failed, was terminated or canceled."
    },
    footer = {"", "Examples:", "  taskhub status 3f2a9c", "  taskhub status 3f2a9c -o json"})
final class StatusCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The instance id.")
  String instanceId;

  @Override
  int run(TaskhubClient client) {
    OrchestrationMetadata instance =
        client
            .getInstance(instanceId)
            .orElseThrow(
                () ->
                    new TaskhubException.InstanceNotFound(
                        "No instance with ID '" + instanceId + "' was found", null));
    if (json()) {
      out().println(Json.line(Json.instance(instance)));
    } else {
      InstanceView.print(out(), terminal(), instance, session.clock().instant());
    }
    return ExitCodes.of(instance.status());
  }
}
